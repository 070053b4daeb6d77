"""Search results as people read them: one entry per article, with a snippet of text."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..store.queries import SearchHit

__all__ = ["SearchResult", "group_hits", "snippet"]

SNIPPET_LENGTH = 240
"""Characters of text shown around the first word found."""


@dataclass(frozen=True)
class SearchResult:
    """An article with the versions found in it, newest first, and a snippet of the newest."""

    article_id: int
    title: str
    source: str | None
    hits: tuple[SearchHit, ...]
    snippet: tuple[tuple[str, bool], ...]
    """Pieces of text, each marked True where it is one of the words searched for."""


def group_hits(hits: Sequence[SearchHit], terms: Sequence[str]) -> list[SearchResult]:
    """The hits grouped by article, in the order of each article's newest hit."""
    by_article: dict[int, list[SearchHit]] = {}
    for hit in hits:
        by_article.setdefault(hit.version.article_id, []).append(hit)
    return [_result(group, terms) for group in by_article.values()]


def _result(hits: list[SearchHit], terms: Sequence[str]) -> SearchResult:
    newest = hits[0]
    return SearchResult(
        article_id=newest.version.article_id,
        title=newest.version.title,
        source=newest.source,
        hits=tuple(hits),
        snippet=snippet(newest.version.paragraphs, terms),
    )


def snippet(paragraphs: Sequence[str], terms: Sequence[str]) -> tuple[tuple[str, bool], ...]:
    """The stretch of the first paragraph holding a term, the terms in it marked.

    A version found by its headline alone gives its first paragraph's opening.
    """
    words = re.compile(
        r"(?<!\w)(" + "|".join(re.escape(term) for term in terms) + r")(?!\w)", re.IGNORECASE
    )
    text, start = (paragraphs[0] if paragraphs else ""), 0
    for paragraph in paragraphs:
        if found := words.search(paragraph):
            text, start = paragraph, max(found.start() - SNIPPET_LENGTH // 3, 0)
            break
    shown = text[start : start + SNIPPET_LENGTH]
    pieces = [(piece, index % 2 == 1) for index, piece in enumerate(words.split(shown))]
    prefix, suffix = ("…" if start else ""), ("…" if start + SNIPPET_LENGTH < len(text) else "")
    return ((prefix, False), *[piece for piece in pieces if piece[0]], (suffix, False))
