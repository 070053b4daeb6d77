"""The generic path: trafilatura finds the article in a cleaned page."""

from __future__ import annotations

import lxml.html
import trafilatura
from trafilatura.settings import Document

from ._text import TRAFILATURA_LAYOUT, normalize_text, split_blocks

__all__ = ["SHORT_SHARE", "generic_paragraphs", "paragraph_text_chars", "text_length"]

# trafilatura's fast mode skips its fallback extractors (readability, jusText), which win
# on pages its own extractor misreads. Such a misreading shows as no text, or a text far
# from the length of the text in the page's <p> elements: longer than twice it, or
# shorter than this share of it (a body kept partly outside <p> elements).
_MAX_FAST_EXCESS = 2.0
_MIN_FAST_SHARE = 0.8
SHORT_SHARE = 1 / 3
"""A text under this share of the page's paragraph text is probably a part of the article
(a teaser, one box of several): other readings of the page may find it all."""


_PROSE_ITEM_CHARS = 80
"""A list item at least this long, and mostly not link text, is prose (a step, a point)."""
_MISSING_ITEMS_SHARE = 0.2
"""Prose list items left out, beside the text, that send for the recall reading."""
_KEPT_SHARE = 0.9
"""The share of a text's paragraphs a fuller reading must keep to replace it."""


def generic_paragraphs(
    tree: lxml.html.HtmlElement, url: str, *, stated: int | None = None
) -> list[str]:
    """The paragraphs trafilatura takes for the article's main text (it copies ``tree``).

    Reader comments, images, links and formatting are left out; tables are
    kept, one paragraph per row. trafilatura reads no metadata (_metadata.py does), so its
    own htmldate never runs here.
    Fast mode first; the full cascade when the fast text and the page's paragraphs
    disagree, and trafilatura's recall-oriented settings when even that text is short
    or leaves out the page's prose list items (numbered steps, points made in a list,
    which trafilatura's precise readings drop; its fast mode reads them as well as the
    full cascade there, at a third of the cost). ``stated`` is
    :func:`paragraph_text_chars` of ``tree``, if the caller has it.
    """
    stated = paragraph_text_chars(tree) if stated is None else stated
    found, recalled = _first_reading(tree, url, stated)
    if not recalled and _left_out_items(tree, found) > text_length(found) * _MISSING_ITEMS_SHARE:
        fuller = _trafilatura_paragraphs(tree, url, fast=True, recall=True)
        kept = set(fuller)
        if sum(paragraph in kept for paragraph in found) >= len(found) * _KEPT_SHARE:
            found = max(found, fuller, key=text_length)
    return found


def _first_reading(tree: lxml.html.HtmlElement, url: str, stated: int) -> tuple[list[str], bool]:
    """Fast, full and recall readings as far as the fast text's length asks; the text and
    whether the recall reading was made. A short text is kept only if the others find less."""
    fast = _trafilatura_paragraphs(tree, url, fast=True)
    length = text_length(fast)
    if 0 < length <= stated * _MAX_FAST_EXCESS and length >= stated * _MIN_FAST_SHARE:
        return fast, False
    found = _trafilatura_paragraphs(tree, url, fast=False)
    if length < stated * _MIN_FAST_SHARE:  # a misreading by excess is not kept
        found = max(found, fast, key=text_length)
    if text_length(found) >= stated * SHORT_SHARE:
        return found, False
    recall = _trafilatura_paragraphs(tree, url, fast=False, recall=True)
    return max(found, recall, key=text_length), True


def _left_out_items(tree: lxml.html.HtmlElement, paragraphs: list[str]) -> int:
    """The characters of the prose list items of ``tree`` that ``paragraphs`` leave out."""
    text = "\n".join(paragraphs)
    left_out = 0
    for item in tree.iter("li"):
        words = normalize_text(item.text_content())
        if len(words) < _PROSE_ITEM_CHARS or words in text:
            continue
        linked = sum(len(normalize_text(link.text_content())) for link in item.iter("a"))
        if linked <= len(words) / 2:
            left_out += len(words)
    return left_out


def text_length(paragraphs: list[str]) -> int:
    return sum(map(len, paragraphs))


def _trafilatura_paragraphs(
    tree: lxml.html.HtmlElement, url: str, *, fast: bool, recall: bool = False
) -> list[str]:
    # Any output format but "python" spares rendering the body as text, which is not used.
    document = trafilatura.bare_extraction(
        tree,
        url=url,
        fast=fast,
        favor_recall=recall,
        output_format="txt",
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_links=False,
        include_formatting=False,
        with_metadata=False,
    )
    if not isinstance(document, Document) or document.body is None:
        return []
    return split_blocks(document.body, TRAFILATURA_LAYOUT)


def paragraph_text_chars(tree: lxml.html.HtmlElement) -> int:
    """The normalized length of the text in the page's ``<p>`` elements."""
    return sum(len(normalize_text(paragraph.text_content())) for paragraph in tree.iter("p"))
