"""Decode a page and parse it into an lxml tree."""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

from .._charset import decode_html as decode_html_bytes
from ..errors import ExtractionError

__all__ = ["NO_ARTICLE", "decode_html", "find_elements", "parse_html"]

NO_ARTICLE = "no article text found on the page"

# C0 controls other than tab, newline and carriage return: libxml2 rejects or truncates at them.
_CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_MAX_CONTROL_SHARE = 0.01


def decode_html(html: str | bytes) -> str:
    """Return ``html`` as text; bytes are decoded as the fetch stage decodes them."""
    return html if isinstance(html, str) else decode_html_bytes(html, None)[0]


def parse_html(text: str) -> lxml.html.HtmlElement:
    """Parse a whole page; comments and processing instructions are dropped.

    Raises:
        ExtractionError: the text is blank, or binary data (over 1% control characters).
    """
    text, controls = _CONTROL_CHARS.subn("", text)
    if not text.strip() or controls > len(text) * _MAX_CONTROL_SHARE:
        raise ExtractionError(NO_ARTICLE)
    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)
    try:
        return lxml.html.document_fromstring(text.encode("utf-8", "replace"), parser=parser)
    except etree.ParserError as exc:
        raise ExtractionError(NO_ARTICLE) from exc


def find_elements(
    root: lxml.html.HtmlElement, xpath: str | etree.XPath
) -> list[lxml.html.HtmlElement]:
    """The HTML elements that ``xpath`` selects under ``root``."""
    result = xpath(root) if isinstance(xpath, etree.XPath) else root.xpath(xpath)
    if not isinstance(result, list):
        return []
    return [item for item in result if isinstance(item, lxml.html.HtmlElement)]
