"""Each public module's ``__all__`` is exactly its public surface, and sorted.

A name imported into ``redline`` (or ``redline.fetch``, ``redline.errors``, ...) for
users but missing from ``__all__`` is invisible to ``from redline import *``
and to the docs; a name in ``__all__`` that is gone breaks that import.
"""

from __future__ import annotations

import inspect
import types

import pytest

import redline
import redline.errors
import redline.fetch
import redline.images
import redline.notify

MODULES = [redline, redline.fetch, redline.errors, redline.notify, redline.images]


def public_names(module: types.ModuleType) -> set[str]:
    """The module's public attributes but its submodules and what it imports from elsewhere.

    ``ClassVar`` imported for an annotation (or ``__future__``'s ``annotations``)
    is not redline's; a class a submodule defines, or a constant, is.
    """
    return {
        name
        for name, value in vars(module).items()
        if not name.startswith("_")
        and not isinstance(value, types.ModuleType)
        and not _imported_from_outside(value)
    }


def _imported_from_outside(value: object) -> bool:
    home = inspect.getmodule(value)
    return home is not None and home.__name__.partition(".")[0] != "redline"


@pytest.mark.parametrize("module", MODULES, ids=lambda module: module.__name__)
def test_every_name_in_all_is_defined(module: types.ModuleType) -> None:
    assert [name for name in module.__all__ if not hasattr(module, name)] == []


@pytest.mark.parametrize("module", MODULES, ids=lambda module: module.__name__)
def test_every_public_attribute_is_in_all(module: types.ModuleType) -> None:
    assert public_names(module) - set(module.__all__) == set()


@pytest.mark.parametrize("module", MODULES, ids=lambda module: module.__name__)
def test_all_is_sorted_without_repeats(module: types.ModuleType) -> None:
    assert module.__all__ == sorted(set(module.__all__))


def test_the_only_private_name_exported_is_the_version() -> None:
    assert [name for name in redline.__all__ if name.startswith("_")] == ["__version__"]
    assert redline.__version__ == redline._version.__version__
