"""Quoted passages: the text between quotation marks, straight or curly, double or single.

An apostrophe is no quotation mark: a single mark opens a quote only after a space, a
bracket or the start, before a letter, and closes one only before a space, a punctuation
mark or the end (so "it's", "weren’t" and "the company's" stay words). A mark left open
encloses nothing: a quote that runs on into the next paragraph (opened, not closed, the way
newspapers print it) counts where it closes.
"""

from __future__ import annotations

import re
from functools import lru_cache

_DOUBLE = re.compile(r"[\"“”„«»]")
_OPENING_SINGLE = re.compile(r"(?:(?<=^)|(?<=[\s(\[—–-]))['‘](?=\w)")
_CLOSING_SINGLE = re.compile(r"(?<=[\w.,!?;:…])['’](?=[\s)\].,;:!?—–-]|$)")

MIN_WORDS = 3
"""A quoted passage of fewer words is a scare quote or a title: "so-called", "new normal"."""

_OPENERS = "“„«"
_CLOSERS = "”»"


@lru_cache(maxsize=4096)
def quoted_passages(paragraph: str) -> tuple[str, ...]:
    """The quoted passages of one squashed paragraph, in order, of at least MIN_WORDS words."""
    passages = _double_quoted(paragraph) + _single_quoted(paragraph)
    return tuple(p for p in passages if len(p.split()) >= MIN_WORDS)


def _double_quoted(paragraph: str) -> list[str]:
    passages, start = [], None
    for mark in _DOUBLE.finditer(paragraph):
        char = mark.group()
        opening = char in _OPENERS or (char == '"' and start is None)
        if start is None and (opening or char not in _CLOSERS):
            start = mark.end()
        elif start is not None and char not in _OPENERS:
            passages.append(paragraph[start : mark.start()].strip())
            start = None
    return passages


def _single_quoted(paragraph: str) -> list[str]:
    passages = []
    closers = [m.start() for m in _CLOSING_SINGLE.finditer(paragraph)]
    position = 0
    for opening in _OPENING_SINGLE.finditer(paragraph):
        if opening.start() < position:
            continue
        end = next((c for c in closers if c > opening.end()), None)
        if end is None:
            break
        passages.append(paragraph[opening.end() : end].strip())
        position = end + 1
    return passages
