"""The generic path: trafilatura finds the article in a cleaned page."""

from __future__ import annotations

import lxml.html
import trafilatura
from trafilatura.settings import Document

from ._text import TRAFILATURA_LAYOUT, normalize_text, split_blocks

__all__ = ["generic_paragraphs"]

# trafilatura's fast mode skips its fallback extractors (readability, jusText), which win
# on pages its own extractor misreads. Such a misreading shows as no text, or a text more
# than this factor shorter or longer than the text of the page's <p> elements.
_MAX_FAST_MISMATCH = 2


def generic_paragraphs(tree: lxml.html.HtmlElement, url: str) -> list[str]:
    """The paragraphs trafilatura takes for the article's main text (it copies ``tree``).

    Reader comments, images, links and formatting are left out; tables are
    kept, one paragraph per row. Metadata is read elsewhere, so htmldate never runs.
    Fast mode first; the full cascade when the fast text and the page's paragraphs disagree.
    """
    paragraphs = _trafilatura_paragraphs(tree, url, fast=True)
    extracted = sum(map(len, paragraphs))
    stated = _paragraph_text_chars(tree)
    if 0 < extracted <= stated * _MAX_FAST_MISMATCH and stated <= extracted * _MAX_FAST_MISMATCH:
        return paragraphs
    return _trafilatura_paragraphs(tree, url, fast=False)


def _trafilatura_paragraphs(tree: lxml.html.HtmlElement, url: str, *, fast: bool) -> list[str]:
    # Any output format but "python" spares rendering the body as text, which is not used.
    document = trafilatura.bare_extraction(
        tree,
        url=url,
        fast=fast,
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


def _paragraph_text_chars(tree: lxml.html.HtmlElement) -> int:
    """The normalized length of the text in the page's ``<p>`` elements."""
    return sum(len(normalize_text(paragraph.text_content())) for paragraph in tree.iter("p"))
