"""The headline, byline and publication date a page states in its markup.

Read before any chrome is removed: JSON-LD sits in ``<script>`` and bylines in
elements that the cleaner drops.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

import lxml.html

from ..errors import InvalidURLError
from ..urls import canonical_url
from ._dates import found_date, iso_date
from ._headline import headline
from ._html import find_elements
from ._sources import PageSources, read_sources
from ._text import normalize_text

__all__ = ["AUTHOR_META", "PageMetadata", "join_names", "linked_authors", "read_metadata"]

AUTHOR_META = (
    *("author", "article:author", "parsely-author", "sailthru.author", "byl"),
    *("dc.creator", "dcterms.creator"),
)
_AUTHOR_ELEMENTS = "//*[@itemprop='author'] | //a[@rel='author']"
_BYLINE_ELEMENTS = ("//*[contains(@class, 'byline')]", "//*[contains(@class, 'author')]")
_BY_PREFIX = re.compile(
    r"^(?:(?:this\s+(?:post|article|story|guide)\s+was\s+)?"
    r"(?:(?:written|words|reporting|story|text|guide|article|reviewed|edited|authored|posted)"
    r"\s+)?by\b|authors?\b|by(?=[A-Z]))\s*:?\s*",
    re.I,
)
""""By", "Written by:", "Author:", and a "By" glued to the name ("ByJane Doe")."""
# Where the names in an author line end: a separator, a time stamp, a date.
_BYLINE_END = re.compile(
    r"[|•·]|\b(?:last\s+)?(?:updated|published|posted|modified)\b|\d"
    r"|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d",
    re.IGNORECASE,
)
# Where the names end and a role, a bio, a link or another credit begins:
# "Jane Doe, Senior Reporter", "Jane Doe is a reporter", "More about Jane Doe »",
# "Jane Doe on Friday", "Jane Doe. Reviewed by Omar Haddad". Group names stay whole
# ("Resy Staff", "SFist Contributor", "The Upwork Team").
_ROLE_WORDS = (
    "reporter|writer|editor|correspondent|columnist|journalist|producer|analyst"
    "|photographer|critic|senior|former|deputy|chief|head|director|founder|co-founder"
    "|manager|intern|fellow|freelance|contributing"
)
_WEEKDAYS = "monday|tuesday|wednesday|thursday|friday|saturday|sunday"
_NAMES_END = re.compile(
    r"\s+\b(?:is|was|has|covers|writes|joined)\s|\s*[»›→]"
    r"|\b(?:see|read|view|more)\s+(?:more|all|about|from|by|posts|articles|stories)\b"
    rf"|,?\s+\b(?:{_ROLE_WORDS})\b|,\s+staff\b|\s+on\s+(?:{_WEEKDAYS})\b"
    r"|\.\s+(?:reviewed|edited|fact[- ]checked|updated)\b",
    re.IGNORECASE,
)
_DANGLING = re.compile(r"\s+(?:on|at|and|in)$|\s+&$|^(?:and|&)\s+")
"""Words left hanging where a line was cut ("Jane Doe on" before a date); in lower case
only: "Audiophile On" is a name."""
_SPACE_BEFORE_PUNCTUATION = re.compile(r"\s+(?=[,.;])")
_HONORIFICS = frozenset({"dr", "dr.", "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "prof", "prof."})
_MAX_BYLINE_CHARS = 120

_PUBLISHED_META = (
    *("og:published_time", "datepublished", "parsely-pub-date", "sailthru.date"),
    *("publishdate", "publish-date", "pubdate", "dc.date.issued", "dcterms.issued"),
    *("dcterms.created", "dc.date", "date", "published", "publication_date"),
)
_PUBLISHED_ELEMENTS = "//*[@itemprop='datePublished'] | //time[@pubdate]"


@dataclass(frozen=True)
class PageMetadata:
    """What the page says about its article."""

    title: str
    byline: str | None
    published: str | None
    canonical_url: str | None


def read_metadata(tree: lxml.html.HtmlElement, url: str) -> PageMetadata:
    """Read the headline, byline and publication date of the page ``tree`` at ``url``.

    A date the markup does not state is looked for in the page (:func:`found_date`).
    """
    sources = read_sources(tree)
    return PageMetadata(
        title=headline(sources, url),
        byline=_byline(sources),
        published=_published(sources, url),
        canonical_url=_canonical_url(tree, sources, url),
    )


def _canonical_url(tree: lxml.html.HtmlElement, sources: PageSources, url: str) -> str | None:
    """The page's own name for itself: ``<link rel=canonical>``, else ``og:url``."""
    links = find_elements(tree, "//link[@href and contains(concat(' ', @rel, ' '), ' canonical ')]")
    stated = [link.get("href", "") for link in links] + sources.meta.get("og:url", [])
    for candidate in stated:
        try:
            return canonical_url(urljoin(url, candidate.strip()))
        except InvalidURLError:
            continue
    return None


def join_names(names: Iterable[str]) -> str | None:
    """Author lines reduced to names, repeats dropped, joined with ", "; None if none is left."""
    unique: dict[str, str] = {}
    for name in names:
        cleaned = _clean_byline(name)
        if cleaned:
            unique.setdefault(cleaned.casefold(), cleaned)
    return ", ".join(unique.values()) or None


def _clean_byline(text: str) -> str | None:
    """An author line reduced to the name(s): "By Jane Doe | Updated 2h ago" -> "Jane Doe"."""
    text = _SPACE_BEFORE_PUNCTUATION.sub("", normalize_text(text))
    text = _BY_PREFIX.sub("", text, count=1)
    text = _BYLINE_END.split(text, maxsplit=1)[0]
    text = _NAMES_END.split(text, maxsplit=1)[0].strip(" ,;:-–—")
    text = _once(_DANGLING.sub("", text).strip(' ,;:-–—"“”'))
    if not text or len(text) > _MAX_BYLINE_CHARS or "://" in text or text.startswith("@"):
        return None
    return text


def _once(names: str) -> str:
    """A name shown twice in one line, once: "Jane Doe Jane Doe is…" -> "Jane Doe"."""
    words = names.split()
    again = next((at for at in range(2, len(words)) if words[at] == words[0]), None)
    if again is None:
        return names
    kept = words[:again]
    while kept and kept[-1].casefold() in _HONORIFICS:
        kept.pop()
    return " ".join(kept)


# --- byline ---------------------------------------------------------------


def _byline(sources: PageSources) -> str | None:
    """The first source of author names that yields any."""
    return next(filter(None, map(join_names, _author_candidates(sources))), None)


def _author_candidates(sources: PageSources) -> Iterator[Iterable[str]]:
    """Author names by source, most reliable first, each read only when asked for.

    JSON-LD people, ``<meta>``, ``itemprop``/``rel`` author elements, then each
    byline element in turn; JSON-LD organizations only as a last resort.
    """
    yield linked_authors(sources.linked_data, people=True)
    yield sources.meta_values(AUTHOR_META)
    yield sources.element_texts(_AUTHOR_ELEMENTS)
    for xpath in _BYLINE_ELEMENTS:
        yield from ([text] for text in sources.element_texts(xpath))
    yield linked_authors(sources.linked_data, people=False)


def linked_authors(linked_data: list[dict[str, Any]], *, people: bool) -> list[str]:
    """Author names in the first JSON-LD object with authors: people, or else organizations."""
    by_id = {item["@id"]: item for item in linked_data if isinstance(item.get("@id"), str)}
    for item in linked_data:
        if "author" in item:
            return [
                html.unescape(author["name"])
                for author in _resolve(item["author"], by_id)
                if isinstance(author.get("name"), str) and _is_person(author) == people
            ]
    return []


def _resolve(value: object, by_id: dict[str, dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """JSON-LD author values as objects: plain names become people, @id references resolve."""
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, str):
            yield {"@type": "Person", "name": item}
        elif isinstance(item, dict):
            reference = item.get("@id")
            yield by_id.get(reference, item) if isinstance(reference, str) else item


def _is_person(author: dict[str, Any]) -> bool:
    kind = author.get("@type", "Person")
    kinds = kind if isinstance(kind, list) else [kind]
    return not any(isinstance(k, str) and "Organization" in k for k in kinds)


# --- publication date -----------------------------------------------------


def _published(sources: PageSources, url: str) -> str | None:
    """The publication date, as ISO 8601: the first the page states, else one found in it.

    Stated: article:published_time, then JSON-LD datePublished, ``itemprop`` and
    ``<time pubdate>`` elements, then other ``<meta>`` date tags; found: by htmldate.
    """
    stated = (iso_date(value) for value in _published_candidates(sources) if value)
    return next(filter(None, stated), None) or found_date(sources.tree, url)


def _published_candidates(sources: PageSources) -> Iterator[str | None]:
    """Stated publication dates, best first, each source read only when asked for."""
    yield from sources.meta_values(["article:published_time"])
    yield sources.linked_string("datePublished")
    for element in find_elements(sources.tree, _PUBLISHED_ELEMENTS):
        yield element.get("datetime") or element.get("content") or element.text_content()
    yield from sources.meta_values(_PUBLISHED_META)
