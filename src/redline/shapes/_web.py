"""The web API's own shapes: a page of a listing, an error, a source's name, a version
listed with its change card."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from ..store.queries import VersionInfo
from ._archive import ARTICLE, CHANGE, CHANGE_CARD, SEARCH_HIT, VERSION_INFO
from ._model import Shape, field, many, one, shape

__all__ = [
    "ARTICLE_PAGE",
    "CHANGE_PAGE",
    "ERROR",
    "Listing",
    "Problem",
    "SEARCH_HIT_PAGE",
    "SOURCE_NAME",
    "SOURCE_NAME_PAGE",
    "VERSION_INFO_PAGE",
    "VERSION_LISTED",
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
    return shape(
        Listing,
        many("items", lambda page: page.items, item),
        field("next", str | None, lambda page: page.next, description=_NEXT),
        name=f"{item.name}Page",
        description=f"A page of a listing of {item.name}s, and where the next page is.",
    )


_NEXT = "The path of the listing's next page; null on the last."

SOURCE_NAME = shape(
    str,
    field("name", str, lambda name: name),
    name="SourceName",
    description="A source: of a polled feed, or a name articles were added under.",
)

VERSION_LISTED: Shape[VersionInfo] = shape(
    VersionInfo,
    VERSION_INFO.fields,
    one("change", lambda info: info.change, CHANGE_CARD, nullable=True),
    name="VersionListed",
    description="A version without its text, and what changed from the version before"
    " (null for version 0, or while its card is not computed): as `redline show --json`.",
)

ARTICLE_PAGE = listing(ARTICLE)
VERSION_INFO_PAGE = listing(VERSION_LISTED)
CHANGE_PAGE = listing(CHANGE)
SEARCH_HIT_PAGE = listing(SEARCH_HIT)
SOURCE_NAME_PAGE = listing(SOURCE_NAME)

ERROR = shape(
    Problem,
    one("error", lambda problem: problem, shape(Problem, "status message")),
    name="Error",
    description="A failed request: what every error under /api/ answers.",
)
