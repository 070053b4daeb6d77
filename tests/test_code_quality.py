"""The project's own rules, checked as tests: ruff, ruff format and mypy --strict."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]


def run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *command], cwd=ROOT, capture_output=True, text=True, check=False
    )


@pytest.mark.parametrize(
    "command",
    [
        ("ruff", "check", "src", "tests", "migrations", "bench"),
        ("ruff", "format", "--check", "src", "tests", "migrations", "bench"),
        ("mypy",),
    ],
    ids=["ruff", "ruff-format", "mypy"],
)
def test_code_passes(command: tuple[str, ...]) -> None:
    result = run(*command)
    assert result.returncode == 0, result.stdout + result.stderr
