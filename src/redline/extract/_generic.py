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


def generic_paragraphs(
    tree: lxml.html.HtmlElement, url: str, *, stated: int | None = None
) -> list[str]:
    """The paragraphs trafilatura takes for the article's main text (it copies ``tree``).

    Reader comments, images, links and formatting are left out; tables are
    kept, one paragraph per row. Metadata is read elsewhere, so htmldate never runs.
    Fast mode first; the full cascade when the fast text and the page's paragraphs
    disagree, and trafilatura's recall-oriented settings when even that text is
    short. A short text is kept only if the other readings find less. ``stated`` is
    :func:`paragraph_text_chars` of ``tree``, if the caller has it.
    """
    stated = paragraph_text_chars(tree) if stated is None else stated
    fast = _trafilatura_paragraphs(tree, url, fast=True)
    length = text_length(fast)
    if 0 < length <= stated * _MAX_FAST_EXCESS and length >= stated * _MIN_FAST_SHARE:
        return fast
    found = _trafilatura_paragraphs(tree, url, fast=False)
    if length < stated * _MIN_FAST_SHARE:  # a misreading by excess is not kept
        found = max(found, fast, key=text_length)
    if text_length(found) < stated * SHORT_SHARE:
        found = max(
            found, _trafilatura_paragraphs(tree, url, fast=False, recall=True), key=text_length
        )
    return found


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
