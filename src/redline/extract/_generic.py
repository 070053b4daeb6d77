"""The generic path: trafilatura finds the article in a cleaned page."""

from __future__ import annotations

import lxml.html
import trafilatura
from trafilatura.settings import Document

from ._text import TRAFILATURA_LAYOUT, split_blocks

__all__ = ["generic_paragraphs"]


def generic_paragraphs(tree: lxml.html.HtmlElement, url: str) -> list[str]:
    """The paragraphs trafilatura takes for the article's main text (it copies ``tree``).

    Reader comments, images, links and formatting are left out; tables are
    kept, one paragraph per row. Metadata is read elsewhere, so htmldate never runs.
    """
    document = trafilatura.bare_extraction(
        tree,
        url=url,
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
