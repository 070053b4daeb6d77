"""A change drawn as a PNG: source and time, headline, then what was removed and added.

The changed passages are drawn as the web diff colours them: what was there
before on red, what is there after on green, each marked ``−`` or ``+`` for
readers who cannot tell the colours apart. Text is wrapped to the width, a
word too long for a line is broken where it reaches the edge, and the image is
at most twice as tall as it is wide: what does not fit is cut, the last line
shown ending in an ellipsis. Lines are laid out only until the image is full,
so a huge text costs no more than one that fills it.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Protocol

from PIL import Image, ImageDraw

from ..model import ChangeCard
from ..timefmt import format_time
from ._fonts import FontChain, font_chain

__all__ = ["ShownChange", "ShownPassage", "alt_text", "printable", "render_change_png"]

RGB = tuple[int, int, int]

_BACKGROUND: RGB = (255, 255, 255)
_INK: RGB = (29, 29, 31)
_QUIET: RGB = (95, 99, 104)
_BEFORE: tuple[RGB, RGB] = ((179, 0, 0), (255, 230, 230))
"""The text and band colours of what was removed: redline.diff's (and the web's) red."""
_AFTER: tuple[RGB, RGB] = ((0, 97, 0), (230, 255, 230))
_ELLIPSIS = "…"
_LONGEST_TEXT = 6000
"""Characters of one passage laid out at most: more than the tallest image holds."""
_ALT_TEXT_CHARACTERS = 1500
"""The longest alt text: what Mastodon and Bluesky take."""
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
"""C0/C1 controls (tab and newline kept), bidi overrides, which would reorder the text
around them, and lone surrogates, which no font or encoder takes."""


class ShownPassage(Protocol):
    """Changed text as it was (None: added) and as it became (None: removed)."""

    @property
    def before(self) -> str | None: ...

    @property
    def after(self) -> str | None: ...


class ShownChange(Protocol):
    """What a change image shows; :class:`redline.notify.ChangeEvent` is one."""

    @property
    def source_name(self) -> str: ...

    @property
    def title(self) -> str: ...

    @property
    def old_title(self) -> str | None: ...

    @property
    def seen_at(self) -> datetime: ...

    @property
    def passages(self) -> Sequence[ShownPassage]: ...

    @property
    def card(self) -> ChangeCard | None: ...


@dataclass(frozen=True)
class _Line:
    text: str
    fonts: FontChain
    colour: RGB
    band: RGB | None = None
    """The background of a removed or added passage's lines."""
    marker: str = ""
    """Drawn in the margin of a passage's first line: ``−`` or ``+``."""
    space_above: int = 0

    @property
    def height(self) -> int:
        return self.space_above + self.fonts.line_height


@dataclass(frozen=True)
class _Layout:
    width: int
    margin: int
    indent: int
    """Where passage text starts, right of its marker."""
    body: FontChain
    headline: FontChain
    small: FontChain

    @classmethod
    def for_width(cls, width: int) -> _Layout:
        size = round(width / 40)  # 30 px at 1200: readable when a timeline shrinks it by half
        return cls(
            width=width,
            margin=round(width / 25),
            indent=round(size * 1.2),
            body=font_chain(size),
            headline=font_chain(round(size * 1.35), bold=True),
            small=font_chain(round(size * 0.8)),
        )

    @property
    def text_width(self) -> int:
        return self.width - 2 * self.margin - self.indent


def render_change_png(change: ShownChange, *, width: int = 1200) -> bytes:
    """The change as a PNG ``width`` pixels wide and at most twice as tall.

    Raises:
        ValueError: ``width`` is under 400 or over 4000 pixels.
    """
    if not 400 <= width <= 4000:
        raise ValueError(f"a change image is 400 to 4000 pixels wide, not {width}")
    layout = _Layout.for_width(width)
    footer = _footer(change, layout)
    budget = 2 * width - 2 * layout.margin - sum(line.height for line in footer)
    lines = _fitted(_body(change, layout), budget, layout)
    return _drawn([*lines, *footer], layout)


def alt_text(change: ShownChange) -> str:
    """The image in words: source, time, headline, and each change as "Before: … After: …"."""
    parts = [f"{change.source_name}, {format_time(change.seen_at)}: {change.title}."]
    if change.old_title is not None:
        parts.append(f"Headline before: {change.old_title} After: {change.title}")
    parts.extend(_passage_words(passage) for passage in change.passages)
    text = printable(" ".join(" ".join(parts).split()))
    if len(text) <= _ALT_TEXT_CHARACTERS:
        return text
    return text[: _ALT_TEXT_CHARACTERS - 1].rstrip() + _ELLIPSIS


def printable(text: str) -> str:
    """``text`` without the characters no message or image should carry (see _UNPRINTABLE)."""
    return _UNPRINTABLE.sub("", text)


def _passage_words(passage: ShownPassage) -> str:
    if passage.before is None:
        return f"Added: {passage.after}"
    if passage.after is None:
        return f"Removed: {passage.before}"
    return f"Before: {passage.before} After: {passage.after}"


# --- layout ------------------------------------------------------------------------------


def _body(change: ShownChange, layout: _Layout) -> Iterator[_Line]:
    """The image's lines above its footer, laid out lazily, in order."""
    meta = f"{change.source_name} · {format_time(change.seen_at)}"
    for text in _wrapped(meta, layout.small, layout.text_width + layout.indent):
        yield _Line(text, layout.small, _QUIET)
    space = layout.body.size // 2
    for index, text in enumerate(_wrapped(change.title, layout.headline, layout.text_width)):
        yield _Line(text, layout.headline, _INK, space_above=space if index == 0 else 0)
    if change.old_title is not None:
        yield from _passage(change.old_title, _BEFORE, "−", layout)
        yield from _passage(change.title, _AFTER, "+", layout, joined=True)
    for passage in change.passages:
        if passage.before is not None:
            yield from _passage(passage.before, _BEFORE, "−", layout)
        if passage.after is not None:
            joined = passage.before is not None
            yield from _passage(passage.after, _AFTER, "+", layout, joined=joined)


def _passage(
    text: str, colours: tuple[RGB, RGB], marker: str, layout: _Layout, *, joined: bool = False
) -> Iterator[_Line]:
    """One passage's lines on its band; ``joined`` to the band above (its "before")."""
    ink, band = colours
    space = 0 if joined else layout.body.size // 2
    for index, line in enumerate(_wrapped(text, layout.body, layout.text_width)):
        first = index == 0
        yield _Line(
            line,
            layout.body,
            ink,
            band=band,
            marker=marker if first else "",
            space_above=space if first else 0,
        )


def _footer(change: ShownChange, layout: _Layout) -> list[_Line]:
    if change.card is None:
        return []
    lines = list(_wrapped(change.card.summary, layout.small, layout.text_width + layout.indent))
    space = layout.body.size // 2
    return [
        _Line(text, layout.small, _QUIET, space_above=space if index == 0 else 0)
        for index, text in enumerate(lines[:3])
    ]


def _fitted(lines: Iterator[_Line], budget: int, layout: _Layout) -> list[_Line]:
    """The lines that fit in ``budget`` pixels; if some did not, the last ends in "…"."""
    kept: list[_Line] = []
    used = 0
    for line in lines:
        if used + line.height > budget:
            if kept:
                kept[-1] = _with_ellipsis(kept[-1], layout)
            break
        kept.append(line)
        used += line.height
    return kept


def _with_ellipsis(line: _Line, layout: _Layout) -> _Line:
    text = line.text.rstrip()
    room = layout.text_width if line.band else layout.text_width + layout.indent
    while text and line.fonts.length(text + _ELLIPSIS) > room:
        text = text[:-1]
    return replace(line, text=text + _ELLIPSIS)


def _wrapped(text: str, fonts: FontChain, width: int) -> Iterator[str]:
    """``text`` as lines at most ``width`` pixels wide, breaking at spaces where it can."""
    if len(text) > _LONGEST_TEXT:
        text = text[:_LONGEST_TEXT].rstrip() + _ELLIPSIS
    text = printable(text)
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if fonts.length(candidate) <= width:
            line = candidate
            continue
        if line:
            yield line
        if fonts.length(word) > width:  # a word longer than a line: broken at the edge
            *pieces, word = _broken(word, fonts, width)
            yield from pieces
        line = word
    if line:
        yield line


def _broken(word: str, fonts: FontChain, width: int) -> list[str]:
    """``word`` cut into pieces that each fit in ``width`` pixels."""
    pieces = []
    while len(word) > 1 and (cut := _longest_fitting(word, fonts, width)) < len(word):
        pieces.append(word[:cut])
        word = word[cut:]
    return [*pieces, word]


def _longest_fitting(word: str, fonts: FontChain, width: int) -> int:
    """How many characters of ``word`` fit in ``width`` pixels (all: it fits); at least one.

    The search looks no further than twice what the first characters' average width
    allows, so a word of thousands of characters costs a few short measurements a line.
    """
    sample = word[:64]
    per_character = max(fonts.length(sample) / max(len(sample), 1), 1.0)
    low, high = 1, min(len(word), int(2 * width / per_character) + 1)
    while low < high:
        middle = (low + high + 1) // 2
        if fonts.length(word[:middle]) <= width:
            low = middle
        else:
            high = middle - 1
    return low


# --- drawing -----------------------------------------------------------------------------


def _drawn(lines: Sequence[_Line], layout: _Layout) -> bytes:
    height = 2 * layout.margin + sum(line.height for line in lines)
    image = Image.new("RGB", (layout.width, height), _BACKGROUND)
    draw = ImageDraw.Draw(image)
    top = layout.margin
    for line in lines:
        top += line.space_above
        _draw_line(draw, line, top, layout)
        top += line.fonts.line_height
    output = io.BytesIO()
    image.save(output, format="PNG")
    return output.getvalue()


def _draw_line(draw: ImageDraw.ImageDraw, line: _Line, top: int, layout: _Layout) -> None:
    left = layout.margin
    if line.band is not None:
        pad = layout.body.size // 3
        right = layout.width - layout.margin + pad
        draw.rectangle((left - pad, top, right, top + line.fonts.line_height - 1), fill=line.band)
        if line.marker:
            _draw_text(draw, line.marker, line.fonts, (left, top), line.colour)
        left += layout.indent
    _draw_text(draw, line.text, line.fonts, (left, top), line.colour)


def _draw_text(
    draw: ImageDraw.ImageDraw, text: str, fonts: FontChain, at: tuple[int, int], colour: RGB
) -> None:
    """``text`` run by run, each in its font, on one baseline."""
    x: float = at[0]
    top = at[1]
    baseline = top + round((fonts.line_height + fonts.size * 0.75) / 2)
    for run, font in fonts.runs(text):
        draw.text((x, baseline), run, font=font, fill=colour, anchor="ls")
        x += font.getlength(run)
