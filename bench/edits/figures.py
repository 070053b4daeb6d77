"""Figures in real sentences, and the plausible wrong value a first version printed instead.

A number edit takes a figure that appears once in the story, outside quotes and not part
of a product or model name ("Pi 5", "Claude 3.5"), and makes the *before* text carry a
nearby wrong value: a year one or two off, a last decimal changed, a count a little
higher or lower with its round zeros kept (8,200 → 8,500), a number word or a month
one step off. The *after* text is the article as published, the corrected figure.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from textkit import inside_quote

_FIGURE = re.compile(
    r"(?<![\w.,/#$£€-])([$£€]?)(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?![\w/-]|[.,]\d)"
)
_MONTHS = (
    "January February March April May June July August September October November December"
).split()
_MONTH_DATE = re.compile(r"\b(" + "|".join(_MONTHS) + r") (?=\d)")
_COUNT_WORDS = "two three four five six seven eight nine ten".split()
_COUNT_WORD = re.compile(r"\b(" + "|".join(_COUNT_WORDS) + r")\b")


@dataclass(frozen=True)
class Figure:
    """One figure in a paragraph: where it is, as printed, and its wrong first value."""

    start: int
    end: int
    text: str
    wrong: str
    what: str
    """What a correction notice calls it: "the year", "a percentage", "an amount", ..."""

    def misprinted(self, paragraph: str) -> str:
        return paragraph[: self.start] + self.wrong + paragraph[self.end :]


def _looks_like_model_name(paragraph: str, start: int, vocabulary: frozenset[str]) -> bool:
    """After a capitalised word that is no ordinary sentence opener ("Pi 5", "Clean 5500",
    "2. Opus 12"): part of a name, not a figure."""
    before = paragraph[:start].split()
    if not before:
        return False
    word = before[-1].strip(",;:()")
    opener = (len(before) == 1 or before[-2][-1] in ".!?") and word.lower() in vocabulary
    return word[:1].isupper() and word not in _MONTHS and not opener


def _wrong_count(value: int, rng: random.Random) -> int:
    if value < 10:
        steps: tuple[int, ...] = (1, 2) if value == 1 else (1, 2, -1)
        return value + rng.choice(steps)
    zeros = len(str(value)) - len(str(value).rstrip("0"))
    if zeros:  # a round figure stays as round: 8,200 → 8,500, 290,000 → 310,000
        scale: int = 10**zeros
        return _wrong_count(value // scale, rng) * scale
    step = max(1, value // 25)
    return value + rng.choice((-1, 1)) * rng.randint(1, 3) * step


def _wrong_value(number: str, rng: random.Random) -> str:
    if "." in number:
        whole, decimals = number.split(".")
        last = (int(decimals[-1]) + rng.choice((1, 2, 3))) % 10
        return f"{whole}.{decimals[:-1]}{last}"
    value = int(number.replace(",", ""))
    if "," not in number and 1900 <= value <= 2099:
        return str(value + rng.choice((-2, -1, 1, 2)))
    wrong = _wrong_count(value, rng)
    return f"{wrong:,}" if "," in number else str(wrong)


def _what(paragraph: str, match: re.Match[str]) -> str:
    number = match.group(2)
    after = paragraph[match.end() : match.end() + 9]
    if match.group(1):
        return "an amount"
    if after.startswith("%") or after.lstrip().startswith("percent"):
        return "a percentage"
    if re.fullmatch(r"(19|20)\d\d", number):
        return "the year"
    if _MONTH_DATE.search(paragraph[max(0, match.start() - 12) : match.start()]):
        return "a date"
    return "a figure"


def figures(
    paragraph: str, story: str, vocabulary: frozenset[str], rng: random.Random
) -> list[Figure]:
    """The figures of ``paragraph`` a number edit may change (``story``: the whole text)."""
    found: list[Figure] = []
    for match in _FIGURE.finditer(paragraph):
        printed = match.group(0)
        if (
            story.count(printed) != 1
            or inside_quote(paragraph, match.start())
            or _looks_like_model_name(paragraph, match.start(), vocabulary)
        ):
            continue
        wrong = match.group(1) + _wrong_value(match.group(2), rng)
        what = _what(paragraph, match)
        impossible = what == "a percentage" and float(wrong.replace(",", "")) > 100
        if wrong != printed and wrong not in story and not impossible:
            found.append(Figure(match.start(), match.end(), printed, wrong, what))
    return found


def _word_swaps(
    paragraph: str, story: str, pattern: re.Pattern[str], values: list[str], what: str
) -> list[Figure]:
    found: list[Figure] = []
    for match in pattern.finditer(paragraph):
        word = match.group(1)
        if story.count(word) != 1 or inside_quote(paragraph, match.start()):
            continue
        index = values.index(word)
        wrong = values[index - 1] if index > 0 else values[index + 1]
        found.append(Figure(match.start(), match.end(1), word, wrong, what))
    return found


def count_words(paragraph: str, story: str) -> list[Figure]:
    """Spelled-out counts ("four people"), each with its neighbour as the wrong value."""
    return _word_swaps(paragraph, story, _COUNT_WORD, _COUNT_WORDS, "a figure")


def month_dates(paragraph: str, story: str) -> list[Figure]:
    """Months that begin a date ("December 19"), each with the month before it as wrong."""
    return _word_swaps(paragraph, story, _MONTH_DATE, _MONTHS, "a date")
