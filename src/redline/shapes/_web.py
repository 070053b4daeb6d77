"""The web API's own shapes: a page of a listing, an error, a source's name."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from ._archive import ARTICLE, CHANGE, SEARCH_HIT, VERSION_INFO
from ._model import Shape, integer, many, one, string

__all__ = [
    "ARTICLE_PAGE",
    "CHANGE_PAGE",
    "ERROR",
    "SEARCH_HIT_PAGE",
    "SOURCE_NAME",
    "SOURCE_NAME_PAGE",
    "VERSION_INFO_PAGE",
    "Listing",
    "Problem",
    "listing",
]

T = TypeVar("T")


@dataclass(frozen=True)
class Listing(Generic[T]):
    """One page of a listing, and the path of the next one (None on the last)."""

    items: Sequence[T]
    next: str | None = None


@dataclass(frozen=True)
class Problem:
    """Why a request failed: its HTTP status and a sentence for people."""

    status: int
    message: str


def listing(item: Shape[T]) -> Shape[Listing[T]]:
    """The shape of a page of ``item``\\ s."""
    return Shape[Listing[T]](
        f"{item.name}Page",
        f"A page of a listing of {item.name}s, and the path of the next (null on the last).",
        [
            many("items", lambda page: page.items, item),
            string("next", lambda page: page.next, nullable=True),
        ],
    )


SOURCE_NAME = Shape[str](
    "SourceName",
    "A source: of a polled feed, or a name articles were added under.",
    [string("name", lambda name: name)],
)

ARTICLE_PAGE = listing(ARTICLE)
VERSION_INFO_PAGE = listing(VERSION_INFO)
CHANGE_PAGE = listing(CHANGE)
SEARCH_HIT_PAGE = listing(SEARCH_HIT)
SOURCE_NAME_PAGE = listing(SOURCE_NAME)

_PROBLEM = Shape[Problem](
    "Problem",
    "The status of a failed request and why it failed.",
    [integer("status", lambda p: p.status), string("message", lambda p: p.message)],
)

ERROR = Shape[Problem](
    "Error",
    "A failed request: what every error under /api/ answers.",
    [one("error", lambda problem: problem, _PROBLEM)],
)
