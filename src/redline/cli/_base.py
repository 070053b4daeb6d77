"""What every ``redline`` command shares: the root group, the library, ``--json``.

A command reaches the library one way: :func:`pass_redline` hands it the
:class:`~redline.Redline` the root command's options describe, opened on
first use (so ``--help`` never touches the database) and closed when the
command ends. ``--json`` is :data:`json_option`, printed by :func:`print_json`.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar

import click

from ..config import load_config
from ..errors import RedlineError
from ..store.database import database_location, database_url

if TYPE_CHECKING:
    from ..core import Redline

__all__ = ["Opener", "RedlineGroup", "json_option", "pass_redline", "print_json", "say_created"]

P = ParamSpec("P")
R = TypeVar("R")


class RedlineGroup(click.Group):
    """Turns every :class:`RedlineError`, and a file that cannot be opened, into one line on
    stderr and exit status 2."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (RedlineError, click.FileError) as exc:
            message = exc.format_message() if isinstance(exc, click.FileError) else exc
            click.echo(f"redline: error: {message}", err=True)
            ctx.exit(2)


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

    def database_url(self) -> str:
        """The SQLAlchemy URL of the database, for commands that do not need the library."""
        return database_url(self.database or load_config(self.config_path).database)

    def __call__(self) -> Redline:
        if self._redline is None:
            from ..core import Redline

            self._redline = Redline.open(self.database, load_config(self.config_path))
            click.get_current_context().call_on_close(self._redline.close)
            if self._redline.store.created:
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


json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON on stdout.")


def print_json(data: object) -> None:
    """``data`` as indented JSON on stdout, non-ASCII characters as they are."""
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))
