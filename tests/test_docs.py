"""The documentation and the CLI agree: README examples run against real commands and options."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click
import pytest

from redline.cli import cli

README = Path(__file__).resolve().parents[1] / "README.md"
_SHELL_BLOCK = re.compile(r"```sh\n(.*?)```", re.DOTALL)


def readme_command_lines() -> list[str]:
    """Every ``redline …`` line of the README's shell blocks, without comments or redirects."""
    lines = []
    for block in _SHELL_BLOCK.findall(README.read_text(encoding="utf-8")):
        for line in block.splitlines():
            found = re.search(r"(?:^|/)redline (.*)", line.split("#")[0])
            if found:
                lines.append(re.split(r"\s*(?:>|>>|2>&1)\s", found[1])[0].strip())
    return lines


def all_commands(group: click.Group, prefix: str = "") -> dict[str, click.Command]:
    found: dict[str, click.Command] = {}
    for name, command in group.commands.items():
        found[prefix + name] = command
        if isinstance(command, click.Group):
            found |= all_commands(command, f"{prefix}{name} ")
    return found


def resolve(words: list[str]) -> tuple[list[click.Command], list[str]]:
    """The chain of commands ``words`` names, and the words left for the last one."""
    chain: list[click.Command] = [cli]
    while words and isinstance(chain[-1], click.Group):
        if words[0].startswith("-"):  # an option of the group, with its value
            words = words[2:] if not words[0].startswith("--version") else words[1:]
            continue
        command = chain[-1].commands.get(words[0])
        assert command is not None, f"no command {words[0]!r}"
        chain.append(command)
        words = words[1:]
    return chain, words


@pytest.mark.parametrize("line", readme_command_lines())
def test_every_readme_example_names_real_commands_and_options(line: str) -> None:
    chain, words = resolve(shlex.split(line))
    options = {opt for param in chain[-1].params for opt in getattr(param, "opts", [])}
    options |= {"-h", "--help"}
    used = {word.split("=")[0] for word in words if word.startswith("-")}
    assert used <= options, f"{line}: unknown options {used - options}"


def test_the_readme_shows_every_command() -> None:
    text = README.read_text(encoding="utf-8")
    missing = [name for name in all_commands(cli) if f"redline {name}" not in text]
    assert missing == []


@pytest.mark.parametrize("name", sorted(all_commands(cli)))
def test_every_command_has_help_that_says_what_it_does(name: str) -> None:
    command = all_commands(cli)[name]
    assert command.help and len(command.help.split(".")[0]) > 10
