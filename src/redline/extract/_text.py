"""Text normalization and splitting a tree into paragraphs."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree

__all__ = [
    "HTML_LAYOUT",
    "TRAFILATURA_LAYOUT",
    "BlockLayout",
    "normalize_text",
    "split_blocks",
]

# The invisible characters that some pages sprinkle between words, inconsistently
# from one render to the next; str.split() does not take them for white space.
# The joiners U+200C/U+200D are kept: they change how scripts and emoji render.
_INVISIBLE_SPACES = ("\u200b", "\u2060", "\ufeff", "\u180e")
_SOFT_HYPHEN = "\u00ad"


def normalize_text(text: str) -> str:
    """Return ``text`` in Unicode NFC with every run of white space folded to one space.

    White space includes no-break spaces and the zero-width space, word joiner
    and byte order mark; soft hyphens are removed. The result is stripped.
    """
    if not text.isascii():  # else already NFC, and without soft hyphens or invisible spaces
        text = unicodedata.normalize("NFC", text.replace(_SOFT_HYPHEN, ""))
        for invisible in _INVISIBLE_SPACES:
            text = text.replace(invisible, " ")
    return " ".join(text.split())


@dataclass(frozen=True)
class BlockLayout:
    """Which tags of a tree start a new paragraph, and which are table rows and cells."""

    blocks: frozenset[str]
    rows: frozenset[str]
    cells: frozenset[str]


HTML_LAYOUT = BlockLayout(
    blocks=frozenset(
        "address article aside blockquote br dd details div dl dt figcaption figure footer form"
        " h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section summary table ul".split()
    ),
    rows=frozenset({"tr"}),
    cells=frozenset({"td", "th"}),
)
"""Block elements of HTML, for the bodies that site rules select."""

TRAFILATURA_LAYOUT = BlockLayout(
    blocks=frozenset({"p", "head", "list", "item", "quote", "code", "table", "lb"}),
    rows=frozenset({"row"}),
    cells=frozenset({"cell"}),
)
"""Block elements of trafilatura's output tree."""


def _element_text(element: etree._Element) -> str:
    """All the text inside ``element``, tags removed."""
    return "".join(text for text in element.itertext() if isinstance(text, str))


def split_blocks(root: etree._Element, layout: BlockLayout) -> list[str]:
    """The normalized, non-empty paragraphs of ``root``, split on block boundaries.

    A table row whose cells hold no blocks becomes one paragraph, cells joined by " | ".
    """
    return [text for text in (normalize_text(chunk) for chunk in _chunks(root, layout)) if text]


def _chunks(root: etree._Element, layout: BlockLayout) -> Iterator[str]:
    """Raw text between block boundaries, in document order (the root's tail excluded)."""
    buffer: list[str] = []

    def visit(element: etree._Element) -> Iterator[str]:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in layout.rows and _is_simple_row(element, layout):
            yield "".join(buffer)
            buffer.clear()
            yield " | ".join(_cell_texts(element, layout))
        else:
            is_block = tag in layout.blocks
            if is_block:
                yield "".join(buffer)
                buffer.clear()
            if tag:
                buffer.append(element.text or "")
                for child in element:
                    yield from visit(child)
                    buffer.append(child.tail or "")
            if is_block:
                yield "".join(buffer)
                buffer.clear()

    yield from visit(root)
    yield "".join(buffer)


def _is_simple_row(row: etree._Element, layout: BlockLayout) -> bool:
    """True if no cell of ``row`` holds a block (a layout table is split like any block)."""
    return not any(
        isinstance(element.tag, str) and element.tag in layout.blocks for element in row.iter()
    )


def _cell_texts(row: etree._Element, layout: BlockLayout) -> Iterator[str]:
    for cell in row:
        if isinstance(cell.tag, str) and cell.tag in layout.cells:
            text = normalize_text(_element_text(cell))
            if text:
                yield text
