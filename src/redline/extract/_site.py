"""Apply a ``[[sites]]`` rule: CSS selectors for a site's pages."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import lxml.html
from bs4 import BeautifulSoup, Tag
from soupsieve import SelectorSyntaxError

from ..config import SiteRule
from ..errors import ExtractionError
from ._clean import KEEP_ATTRIBUTE
from ._html import find_elements
from ._metadata import join_names
from ._text import HTML_LAYOUT, normalize_text, split_blocks

__all__ = ["SiteSelections", "apply_site_rule", "site_paragraphs"]

_READ_SETTINGS = ("title", "body", "byline")
"""The settings of a rule that read something from the page (``drop`` only removes)."""

_OUTERMOST_BODIES = f"//*[@{KEEP_ATTRIBUTE}][not(ancestor::*[@{KEEP_ATTRIBUTE}])]"


@dataclass(frozen=True)
class SiteSelections:
    """What a site rule picked out of a page; None where its selector is unset or unmatched."""

    html: str
    """The page without the ``drop``, title and byline matches; body matches marked."""
    title: str | None
    byline: str | None
    has_body: bool
    unmatched: tuple[str, ...] = ()
    """The title, body and byline settings whose selector matched no element."""


def apply_site_rule(text: str, rule: SiteRule) -> SiteSelections:
    """Run ``rule``'s selectors over the page ``text``.

    ``drop`` matches are removed first. The title and byline matches are read
    and then removed too, so they do not reappear among the paragraphs. Body
    matches get the :data:`KEEP_ATTRIBUTE` mark for :func:`site_paragraphs`.
    """
    soup = BeautifulSoup(text, "lxml")
    for selector in rule.drop:
        _remove(_select(soup, selector, rule))
    title_elements = _select(soup, rule.title, rule)
    title = next((t for t in (normalize_text(e.get_text()) for e in title_elements) if t), None)
    byline_elements = _select(soup, rule.byline, rule)
    byline = join_names(element.get_text(" ") for element in byline_elements)
    _remove([*title_elements, *byline_elements])
    bodies = _outermost(_select(soup, rule.body, rule))
    for body in bodies:
        body[KEEP_ATTRIBUTE] = ""
    found = {"title": title_elements, "body": bodies, "byline": byline_elements}
    unmatched = tuple(name for name in _READ_SETTINGS if getattr(rule, name) and not found[name])
    return SiteSelections(str(soup), title, byline, bool(bodies), unmatched)


def site_paragraphs(tree: lxml.html.HtmlElement) -> list[str]:
    """The paragraphs of the body elements marked by :func:`apply_site_rule`."""
    return [
        paragraph
        for body in find_elements(tree, _OUTERMOST_BODIES)
        for paragraph in split_blocks(body, HTML_LAYOUT)
    ]


def _select(soup: BeautifulSoup, selector: str | None, rule: SiteRule) -> list[Tag]:
    if not selector:
        return []
    try:
        return list(soup.select(selector))
    except SelectorSyntaxError as exc:
        message = f"invalid CSS selector {selector!r} in the [[sites]] rule for {rule.host}"
        raise ExtractionError(message) from exc


def _remove(elements: Iterable[Tag]) -> None:
    for element in elements:
        if not element.decomposed:
            element.decompose()


def _outermost(elements: list[Tag]) -> list[Tag]:
    """``elements`` without those inside another of them."""
    chosen = {id(element) for element in elements}
    return [
        element
        for element in elements
        if not any(id(parent) in chosen for parent in element.parents)
    ]
