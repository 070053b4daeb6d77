"""Change cards on the web: what each kind means, and the filters every listing takes.

Every surface that lists changes (the index, source pages, every feed, ``/api/changes``)
takes the same two query parameters, read here once: ``kind=`` (repeatable: changes of
any of the kinds named) and ``min_significance=`` (a number from 0 to 1). A value outside
them is a 400 whose one line says what is valid.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from urllib.parse import urlencode

from starlette.exceptions import HTTPException
from starlette.requests import Request

from ..model import ChangeKind
from ..store.queries import ChangeFilter

__all__ = [
    "KIND_LEGEND",
    "SIGNIFICANCE_STEPS",
    "change_filter",
    "filter_params",
    "filter_query",
]

KIND_LEGEND: Mapping[ChangeKind, str] = {
    ChangeKind.HEADLINE: "The headline changed.",
    ChangeKind.BYLINE: "The byline changed.",
    ChangeKind.LEDE: "The first paragraph changed.",
    ChangeKind.ADDED: "A paragraph or sentence was added.",
    ChangeKind.REMOVED: "A paragraph or sentence was removed.",
    ChangeKind.MOVED: "Text was reordered, and nothing else changed.",
    ChangeKind.NUMBERS: "A number, amount, percentage or date was added, removed or changed.",
    ChangeKind.QUOTES: "A quoted passage was added, removed or changed.",
    ChangeKind.NAMES: "A person's or organisation's name was added or removed.",
    ChangeKind.CORRECTION: "A correction, clarification, update or editor's note was added.",
    ChangeKind.TYPO: "Only small spelling, punctuation or wording fixes.",
    ChangeKind.REWRITE: "Most of the text changed.",
    ChangeKind.REVERT: "The text is again that of an earlier version.",
    ChangeKind.STEALTH: "A substantive change with no correction notice added.",
}
"""What a badge of each kind means: its title on the pages, and the filter form's legend."""

SIGNIFICANCE_STEPS = (0.0, 0.3, 0.5, 0.7)
"""The thresholds the filter form offers (any other in the URL works as well)."""

_KIND_VALUES = frozenset(kind.value for kind in ChangeKind)

_JSON_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
"""A number as JSON (and so OpenAPI's ``number``) writes it: no spaces, signs, ``inf``."""


def filter_params(only: ChangeFilter) -> dict[str, object]:
    """The query parameters that ask for ``only``'s kinds and significance, for links that
    keep a listing's filters."""
    params: dict[str, object] = {}
    if only.kinds:
        params["kind"] = [kind.value for kind in ChangeKind if kind in only.kinds]
    if only.min_significance > 0:
        params["min_significance"] = str(only.min_significance)  # exactly, as repr has it
    return params


def filter_query(only: ChangeFilter) -> str:
    """The query string that asks for ``only`` (empty for no filter)."""
    params = filter_params(only)
    return f"?{urlencode(params, doseq=True)}" if params else ""


def _kind_error(value: str) -> str:
    """The one line a 400 for a kind outside the vocabulary says."""
    valid = ", ".join(kind.value for kind in ChangeKind)
    return f"kind= must be one of: {valid} (not {value[:40]!r})"


def _significance_error() -> str:
    """The one line a 400 for a significance that is not a number from 0 to 1 says."""
    return "min_significance= must be a number from 0 to 1, such as 0.5"


def change_filter(request: Request) -> ChangeFilter:
    """The request's ``kind=`` and ``min_significance=`` parameters; 400 if either is invalid."""
    named = request.query_params.getlist("kind")
    for value in named:
        if value not in _KIND_VALUES:
            raise HTTPException(400, _kind_error(value))
    kinds = tuple(kind for kind in ChangeKind if kind in named)  # one order: one link, one ETag
    return ChangeFilter(
        kinds=kinds, min_significance=_significance(request.query_params.get("min_significance"))
    )


def _significance(value: str | None) -> float:
    if value is None:
        return 0.0
    number = float(value) if _JSON_NUMBER.fullmatch(value) else math.nan
    if not 0 <= number <= 1:  # nan too: a word, or past a float's range
        raise HTTPException(400, _significance_error())
    return max(number, 0.0)  # -0 is 0
