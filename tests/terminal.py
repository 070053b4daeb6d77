"""Running ``redline`` on a terminal of its own: a pseudo-terminal, as a person would."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
from collections.abc import Mapping

PATIENCE = 60.0
"""Seconds to wait for the command before giving up on it: a guard, never a measurement."""


class Terminal:
    """``redline ARGS`` with a pseudo-terminal for its stdin, stdout and stderr."""

    def __init__(self, *args: str, env: Mapping[str, str] | None = None) -> None:
        controller, terminal = pty.openpty()
        self._controller = controller
        self._process = subprocess.Popen(
            [sys.executable, "-m", "redline", *args],
            stdin=terminal,
            stdout=terminal,
            stderr=terminal,
            env={**os.environ, "COLUMNS": "200", **(env or {})},
        )
        os.close(terminal)
        self.output = ""

    def read_until(self, text: str) -> str:
        """Everything written until ``text`` appears (or the command ends)."""
        while text not in self.output and self._read_some():
            pass
        return self.output

    def type(self, line: str) -> None:
        os.write(self._controller, f"{line}\n".encode())

    def finish(self) -> int:
        """Read to the end; the exit status."""
        while self._read_some():
            pass
        os.close(self._controller)
        return self._process.wait(timeout=PATIENCE)

    def _read_some(self) -> bool:
        ready, _, _ = select.select([self._controller], [], [], PATIENCE)
        if not ready:
            self._process.kill()
            raise TimeoutError(f"redline wrote nothing more; so far: {self.output!r}")
        try:
            chunk = os.read(self._controller, 4096)
        except OSError:  # the command ended and closed its end
            return False
        self.output += chunk.decode(errors="replace").replace("\r\n", "\n")
        return bool(chunk)


def on_terminal(*args: str, env: Mapping[str, str] | None = None) -> tuple[int, str]:
    """Run ``redline ARGS`` on a terminal to the end: its exit status and all it wrote."""
    terminal = Terminal(*args, env=env)
    status = terminal.finish()
    return status, terminal.output
