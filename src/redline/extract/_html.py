"""Decode a page and parse it into an lxml tree."""

from __future__ import annotations

import lxml.html
from lxml import etree

from .._charset import decode_html as decode_html_bytes
from ..errors import ExtractionError, PageTooComplexError
from ._charrefs import neutralise_references

__all__ = ["MAX_ELEMENTS", "NO_ARTICLE", "find_elements", "page_text", "parse_html"]

NO_ARTICLE = "no article text found on the page"

MAX_ELEMENTS = 50_000
"""A page with more tags than this is refused before it is parsed.

Extraction time and memory grow with the elements (a page of 200,000 ``<p>``
takes 15 s and 600 MB, parsing 10 MB of them alone 400 MB), not much with the
text. The 747 real article pages of the WCXB sets have at most 4,975 elements
(9,770 ``<``); at this limit extraction takes a few seconds and about 200 MB.
"""

# Noncharacters that libxml2 rejects as it does the controls below; as characters, not references.
_NONCHARACTERS = ("\ufffe", "\uffff")
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


def page_text(html: str | bytes) -> str:
    """``html`` as text to parse; bytes are decoded as the fetch stage decodes them.

    The noncharacters and numeric character references that would lose the page
    are dropped or neutralised (see ``_charrefs``).

    Raises:
        PageTooComplexError: the page has over :data:`MAX_ELEMENTS` tags.
    """
    text = html if isinstance(html, str) else decode_html_bytes(html, None)[0]
    # Every element but the few the parser adds is a "<" that is not a "</": a count in C,
    # an upper bound (comments and "<" in scripts count too) and no tree built for it.
    tags = text.count("<") - text.count("</")
    if tags > MAX_ELEMENTS:
        raise PageTooComplexError(
            f"the page is too complex to extract: {tags:,} HTML tags, over the limit of"
            f" {MAX_ELEMENTS:,}"
        )
    for noncharacter in _NONCHARACTERS:
        text = text.replace(noncharacter, "")
    return neutralise_references(text)


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
