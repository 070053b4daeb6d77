"""What every ``redline`` command shares: the root group, the library, ``--json``.

Every command module imports only click and this module at once, and what else
a command needs inside its function: ``redline --help`` lists every command, so
it imports them all, and must not wait for the library (see tests/test_startup.py).

A command reaches the library one way: :func:`pass_redline` hands it the
:class:`~redline.Redline` the root command's options describe, opened on
first use (so ``--help`` never touches the database) and closed when the
command ends. ``--json`` is :data:`json_option`, printed by :func:`print_json`.
"""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable
from typing import IO, TYPE_CHECKING, Any, Concatenate, NoReturn, ParamSpec, TypeVar

import click

from ..config import Config, load_config
from ..errors import RedlineError
from ..store.database import database_location, database_url

if TYPE_CHECKING:
    from rich.console import Console

    from ..core import Redline
    from ..model import DeliveryRound

__all__ = [
    "COLOR_CHOICES",
    "Opener",
    "RedlineCommand",
    "RedlineGroup",
    "choose_color",
    "console",
    "fail",
    "json_option",
    "notifications_line",
    "pass_redline",
    "print_json",
    "say_created",
    "wants_color",
]

COLOR_CHOICES = ("auto", "always", "never")
"""The root command's ``--color``: ``auto`` is colour on a terminal unless NO_COLOR is set."""

_COLOR = "redline.color"
"""Where the context keeps the ``--color`` choice, for every command under the root."""

P = ParamSpec("P")
R = TypeVar("R")


class RedlineCommand(click.Command):
    """A command whose every usage error shows its usage and help hint.

    Click's parser raises some (an option missing its value) without the context, and
    they printed the bare "Error: …" line alone.
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as exc:
            if exc.ctx is None:
                exc.ctx = ctx
            raise


class RedlineGroup(RedlineCommand, click.Group):
    """Turns every :class:`RedlineError`, and a file that cannot be opened, into one line on
    stderr and exit status 2; its subcommands are :class:`RedlineCommand`."""

    command_class = RedlineCommand

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (RedlineError, click.FileError) as exc:
            fail(exc.format_message() if isinstance(exc, click.FileError) else str(exc))


def fail(message: str) -> NoReturn:
    """End the command with ``message`` as one line on stderr and exit status 2."""
    one_line = " ".join(line.strip() for line in message.splitlines())
    click.echo(f"redline: error: {one_line}", err=True)
    click.get_current_context().exit(2)


class Opener:
    """The root command's ``--db`` and ``--config``; opens the library on first use.

    Given an open ``redline`` (a test's, with its own clock), it hands that out instead
    and leaves closing it to its owner.
    """

    def __init__(
        self, database: str | None, config_path: str | None, *, redline: Redline | None = None
    ) -> None:
        self.database, self.config_path = database, config_path
        self._redline = redline

    def config(self) -> Config:
        """The settings ``--config`` names (the defaults without it)."""
        return load_config(self.config_path)

    def database_url(self) -> str:
        """The SQLAlchemy URL of the database, for commands that do not need the library."""
        return database_url(self.database or self.config().database)

    def __call__(self) -> Redline:
        if self._redline is None:
            from ..core import Redline

            self._redline = Redline.open(self.database, self.config())
            click.get_current_context().call_on_close(self._redline.close)
            if self._redline.created:
                say_created(str(self._redline.store.engine.url))  # str() masks a password
        return self._redline


def say_created(url: str) -> None:
    """Say on stderr that a new database was made at ``url``: a mistyped --db shows at once."""
    click.echo(f"redline: created a new database at {database_location(url)}", err=True)


def pass_redline(command: Callable[Concatenate[Redline, P], R]) -> Callable[P, R]:
    """Call ``command`` with the library as its first argument."""

    @functools.wraps(command)
    def with_redline(*args: P.args, **kwargs: P.kwargs) -> R:
        return command(opener()(), *args, **kwargs)

    return with_redline


def opener() -> Opener:
    """The root command's :class:`Opener`."""
    found = click.get_current_context().find_object(Opener)
    if found is None:
        raise RuntimeError("a redline command runs under the redline group")
    return found


def choose_color(choice: str) -> None:
    """Keep the root command's ``--color`` choice for :func:`wants_color`."""
    click.get_current_context().meta[_COLOR] = choice


def wants_color(stream: IO[str]) -> bool:
    """Whether to colour what goes to ``stream``: as ``--color`` says, or with ``auto``
    when it is a terminal and NO_COLOR is unset or empty (https://no-color.org)."""
    choice = click.get_current_context().meta.get(_COLOR, "auto")
    if choice != "auto":
        return bool(choice == "always")
    return stream.isatty() and not os.environ.get("NO_COLOR")


def console(*, stderr: bool = False) -> Console:
    """A Rich console on stdout (or stderr) that colours exactly when :func:`wants_color`."""
    from rich.console import Console  # ~0.05 s: only for a command that prints through Rich

    stream = sys.stderr if stderr else sys.stdout
    if wants_color(stream):
        return Console(file=stream, force_terminal=True, no_color=False)
    return Console(file=stream, color_system=None)


json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON on stdout.")


def print_json(data: object) -> None:
    """``data`` as indented JSON on stdout, non-ASCII characters as they are."""
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


def notifications_line(done: DeliveryRound) -> str | None:
    """What sending notifications did, in one line; None if there was nothing to send."""
    if not (done.sent or done.retrying or done.given_up):
        return None
    line = f"notifications: {done.sent} sent"
    if done.retrying:
        line += f", {done.retrying} failed (to retry; see redline notify queue)"
    if done.given_up:
        line += f", {done.given_up} given up (see redline notify queue)"
    return line
