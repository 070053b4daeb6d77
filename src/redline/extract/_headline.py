"""Find the article's headline, telling it from the site's logo and name."""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from ._sources import PageSources
from ._text import normalize_text

__all__ = ["SITE_NAME_META", "headline"]

_HEADINGS = "//h1 | //*[@itemprop='headline']"
_ARTICLE_HEADINGS = "//article//h1 | //main//h1 | //*[@role='main']//h1 | //*[@itemprop='headline']"
_MIN_UNCONFIRMED_HEADLINE_WORDS = 3
SITE_NAME_META = ("og:site_name", "application-name", "apple-mobile-web-app-title")
_GENERIC_HOST_LABELS = frozenset({"www", "m", "amp", "com", "org", "net", "co", "uk", "news"})
_TITLE_SEPARATOR = re.compile(r"\s*\|\s*|\s+(?:[-–—·•»/]|::)\s+")
_MAX_GUESSED_SITE_WORDS = 4


def headline(sources: PageSources, url: str) -> str:
    """The page's headline: its ``<h1>`` when that can be told from a logo, else its stated title.

    The stated titles are og:title, twitter:title, the JSON-LD headline and
    ``<title>``, each without the site's name. The first ``<h1>`` that agrees
    with one of them wins (see :func:`_agree`); failing that, an ``<h1>`` in
    the article or ``<main>`` of at least three words that is not the site's
    name; failing that, the first stated title. "" if the page has none.
    """
    site_keys = _site_keys(sources, url)
    stated = [
        *sources.meta.get("og:title", [])[:1],
        *sources.meta.get("twitter:title", [])[:1],
        sources.linked_string("headline") or "",
        normalize_text(sources.tree.findtext(".//title") or ""),
    ]
    references = _not_site_names((_strip_site_name(t, site_keys) for t in stated), site_keys)
    headings = _not_site_names(sources.element_texts(_HEADINGS), site_keys)
    return (
        next((h for h in headings if any(_agree(h, ref) for ref in references)), None)
        or _article_heading(sources, site_keys)
        or next(iter(references), None)
        or next(iter(headings), "")
    )


def _article_heading(sources: PageSources, site_keys: set[str]) -> str | None:
    """The first ``<h1>`` in the article or ``<main>`` of three words or more, not the site's name.

    Looked for only when no ``<h1>`` agrees with a stated title: the search walks the whole page.
    """
    return next(
        (
            text
            for text in _not_site_names(sources.element_texts(_ARTICLE_HEADINGS), site_keys)
            if len(text.split()) >= _MIN_UNCONFIRMED_HEADLINE_WORDS
        ),
        None,
    )


def _agree(heading: str, title: str) -> bool:
    """True if one contains the other and is at least half as long (a logo does not agree)."""
    shorter, longer = sorted((_name_key(heading), _name_key(title)), key=len)
    return bool(shorter) and shorter in longer and len(shorter) * 2 >= len(longer)


def _not_site_names(titles: Iterable[str], site_keys: set[str]) -> list[str]:
    return [title for title in titles if title and _name_key(title) not in site_keys]


def _site_keys(sources: PageSources, url: str) -> set[str]:
    """Comparison keys of the names the site goes by: og:site_name, publisher, host."""
    names = sources.meta_values(SITE_NAME_META)
    for item in sources.linked_data:
        publisher = item.get("publisher")
        if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
            names.append(publisher["name"])
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    labels = [label for label in host.split(".") if label not in _GENERIC_HOST_LABELS]
    return {_name_key(name) for name in [*names, host, *labels]} - {""}


def _name_key(name: str) -> str:
    """``name`` reduced for comparison: case-folded, letters and digits only."""
    return re.sub(r"[\W_]+", "", name.casefold())


def _strip_site_name(title: str, site_keys: set[str]) -> str:
    """``title`` without leading or trailing parts naming the site.

    Failing a known name, a trailing part of at most four words that is shorter
    than the rest is taken for the site's or section's name ("... | Opinion").
    """
    stripped = _strip_known_site_names(title, site_keys)
    if stripped != title:
        return stripped
    separators = list(_TITLE_SEPARATOR.finditer(title))
    if not separators:
        return title
    head, tail = title[: separators[-1].start()], title[separators[-1].end() :]
    if len(tail.split()) <= _MAX_GUESSED_SITE_WORDS and len(tail) < len(head):
        return _strip_known_site_names(head, site_keys)
    return title


def _strip_known_site_names(title: str, site_keys: set[str]) -> str:
    while separators := list(_TITLE_SEPARATOR.finditer(title)):
        first, last = separators[0], separators[-1]
        if _name_key(title[last.end() :]) in site_keys:
            title = title[: last.start()]
        elif _name_key(title[: first.start()]) in site_keys:
            title = title[first.end() :]
        else:
            break
    return title
