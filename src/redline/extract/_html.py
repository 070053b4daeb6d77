"""Decode a page and parse it into an lxml tree."""

from __future__ import annotations

import lxml.html
from lxml import etree

from .._charset import decode_html as decode_html_bytes
from ..errors import ExtractionError

__all__ = ["NO_ARTICLE", "decode_html", "find_elements", "parse_html"]

NO_ARTICLE = "no article text found on the page"

# C0 controls other than tab, newline and carriage return: libxml2 rejects or truncates at them.
# Each is one byte in UTF-8, a byte that no other character's encoding contains.
_CONTROL_BYTES = bytes(code for code in range(0x20) if chr(code) not in "\t\n\r")
_MAX_CONTROL_SHARE = 0.01
# Every element an HtmlElement, chosen in C: lxml.html's own lookup calls Python for each
# element object it creates (the special form and input classes are never used here).
_ELEMENT_CLASSES = etree.ElementDefaultClassLookup(
    element=lxml.html.HtmlElement,
    comment=lxml.html.HtmlComment,
    pi=lxml.html.HtmlProcessingInstruction,
    entity=lxml.html.HtmlEntity,
)


def decode_html(html: str | bytes) -> str:
    """Return ``html`` as text; bytes are decoded as the fetch stage decodes them."""
    return html if isinstance(html, str) else decode_html_bytes(html, None)[0]


def parse_html(text: str) -> lxml.html.HtmlElement:
    """Parse a whole page; comments and processing instructions are dropped.

    Raises:
        ExtractionError: the text is blank, or binary data (over 1% control characters).
    """
    encoded = text.encode("utf-8", "replace")
    cleaned = encoded.translate(None, _CONTROL_BYTES)
    controls = len(encoded) - len(cleaned)
    if not cleaned.strip() or controls > (len(text) - controls) * _MAX_CONTROL_SHARE:
        raise ExtractionError(NO_ARTICLE)
    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)
    parser.set_element_class_lookup(_ELEMENT_CLASSES)
    try:
        return lxml.html.document_fromstring(cleaned, parser=parser)
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
