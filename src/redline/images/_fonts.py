"""Fonts for change images: the machine's own, chosen per character, with Pillow's as the last.

Pillow draws a string in one font and shows a box for every character that
font lacks. So a :class:`FontChain` holds an ordered list of fonts and their
character maps (read with fontTools) and cuts text into runs, each in the first
font that has its characters: DejaVu Sans or Noto Sans first (wide Latin,
Greek, Cyrillic, Arabic, Hebrew coverage), then every other Noto font found
(CJK, Devanagari, ...), then Pillow's own scalable font, which takes whatever
is left. Fonts are looked for in the usual font folders of Linux, macOS and
Windows, once per process.
"""

from __future__ import annotations

import functools
import logging
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from fontTools.ttLib import TTFont, TTLibError
from PIL import ImageFont

__all__ = ["FontChain", "font_chain"]

log = logging.getLogger(__name__)

FreeTypeFont = ImageFont.FreeTypeFont

_FONT_FOLDERS = (
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    "~/.local/share/fonts",
    "~/.fonts",
    "/Library/Fonts",
    "/System/Library/Fonts",
    "C:/Windows/Fonts",
)
_FIRST_CHOICES = {
    "regular": ("DejaVuSans.ttf", "NotoSans-Regular.ttf", "NotoSans-Regular.otf"),
    "bold": ("DejaVuSans-Bold.ttf", "NotoSans-Bold.ttf", "NotoSans-Bold.otf"),
}
_FALLBACK = re.compile(r"^Noto(?:Sans|Serif)\w*-(?:Regular|Bold)\.(?:ttf|otf|ttc)$", re.IGNORECASE)
"""Further fonts to take characters from: Noto's script fonts. Colour emoji fonts are left
out: their bitmaps come in one size only, which Pillow refuses to scale."""
_NOT_FALLBACK = re.compile(r"Color|Emoji|Mono|Display|UI-", re.IGNORECASE)
_MOST_FALLBACKS = 40
"""Enough for every script Noto covers; a machine with thousands of fonts is read no further."""


@dataclass(frozen=True)
class _Face:
    font: FreeTypeFont
    characters: frozenset[int] | None
    """The code points the font has; None: take every character (the last font)."""


class FontChain:
    """Fonts of one size and weight, in the order characters are looked for in them."""

    def __init__(self, faces: tuple[_Face, ...]) -> None:
        self._faces = faces
        self.size = round(faces[0].font.size)
        ascent, descent = faces[0].font.getmetrics()
        self.line_height = round((ascent + descent) * 1.25)

    def runs(self, text: str) -> Iterator[tuple[str, FreeTypeFont]]:
        """``text`` cut into runs, each with the font that draws it."""
        start, current = 0, None
        for index, character in enumerate(text):
            font = self._font_for(character, current)
            if current is not None and font is not current:
                yield text[start:index], current
                start = index
            current = font
        if current is not None:
            yield text[start:], current

    def length(self, text: str) -> float:
        """How wide ``text`` is drawn, in pixels."""
        return sum(font.getlength(run) for run, font in self.runs(text))

    def _font_for(self, character: str, current: FreeTypeFont | None) -> FreeTypeFont:
        code = ord(character)
        if current is not None and (code < 0x300 and not character.isalnum() or code == 0x200D):
            return current  # spaces, punctuation and joiners stay with the run they are in
        for face in self._faces:
            if face.characters is None or code in face.characters:
                return face.font
        return self._faces[-1].font


def font_chain(size: int, *, bold: bool = False) -> FontChain:
    """The machine's fonts at ``size`` pixels, the first choice first and Pillow's last."""
    return _chain(size, "bold" if bold else "regular")


@functools.cache
def _chain(size: int, weight: str) -> FontChain:
    faces = []
    for path, characters in _found(weight):
        try:
            faces.append(_Face(ImageFont.truetype(path, size), characters))
        except OSError as exc:  # a file fontTools reads but FreeType will not
            log.debug("font %s left out: %s", path, exc)
    last = ImageFont.load_default(size)
    assert isinstance(last, FreeTypeFont)  # Pillow's wheels always carry FreeType
    faces.append(_Face(last, None))
    return FontChain(tuple(faces))


@functools.cache
def _found(weight: str) -> tuple[tuple[str, frozenset[int]], ...]:
    """The font files of ``weight`` to use, first choice first, with their characters."""
    files = _font_files()
    paths = [files[name] for name in _FIRST_CHOICES[weight] if name in files]
    paths += sorted(
        path
        for name, path in files.items()
        if _FALLBACK.match(name) and not _NOT_FALLBACK.search(name) and path not in paths
    )[:_MOST_FALLBACKS]
    found = []
    for path in paths:
        characters = _characters(path)
        if characters:
            found.append((path, characters))
    return tuple(found)


@functools.cache
def _font_files() -> dict[str, str]:
    """Every font file in the font folders, by file name (the first found of each name)."""
    files: dict[str, str] = {}
    for folder in _FONT_FOLDERS:
        for root, _dirs, names in os.walk(Path(folder).expanduser()):
            for name in names:
                if name.lower().endswith((".ttf", ".otf", ".ttc")):
                    files.setdefault(name, os.path.join(root, name))
    return files


def _characters(path: str) -> frozenset[int]:
    """The code points the font at ``path`` maps to glyphs; none if it cannot be read."""
    try:
        with TTFont(path, fontNumber=0, lazy=True) as font:
            return frozenset(font.getBestCmap() or ())
    except (OSError, TTLibError, KeyError, AssertionError) as exc:
        log.debug("font %s left out: %s", path, exc)
        return frozenset()
