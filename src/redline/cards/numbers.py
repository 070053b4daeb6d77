"""Figures in a text: digits, amounts, percentages, number words and dates with month names.

Each figure is read as one phrase ("$4.5 million", "32 percent", "March 5, 2024",
"twenty-five"), so that a story's figures can be compared as a multiset: a figure written
the same way elsewhere (moved, or kept in a reworded sentence) is no change.

Left out on purpose: "one", "first", "second" and "once", which are numbers only sometimes
("one of the", "at first", "a second look"), and digits that belong to a word or a model
name ("COVID-19", "G7", "4K", "Pi 5" is kept: it cannot be told from "page 5").
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

from ..model import NumberChange

_MONTHS = "January|February|March|April|June|July|August|September|October|November|December"
_MONTH_SHORT = r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec"
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_YEAR = r"\d{4}"
# A month name alone is a date; "May" and abbreviations only beside a day or a year.
_DATE = (
    rf"(?:{_DAY} )?(?:{_MONTHS})(?: {_DAY}\b)?(?:,? {_YEAR}\b)?"
    rf"|{_DAY} (?:May|(?:{_MONTH_SHORT})\.?)(?:,? {_YEAR})?\b"
    rf"|(?:May|(?:{_MONTH_SHORT})\.?) (?:{_DAY}\b(?:,? {_YEAR}\b)?|{_YEAR}\b)"
)
_UNITS = r"two|three|four|five|six|seven|eight|nine"
_TEENS = r"ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen"
_TENS = r"twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_SCALE = r"hundred|thousand|million|billion|trillion"
_ORDINALS = (
    r"third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|twentieth"
    r"|hundredth|thousandth"
)
_NUMBER_WORD = (
    rf"(?:(?:{_TENS})(?:[- ](?:one|{_UNITS}))?|{_TEENS}|{_UNITS}|dozens?|{_SCALE}|{_ORDINALS})"
    rf"(?: (?:{_SCALE}))*"
)
_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+"
_CURRENCY = r"(?:US|A|C|NZ|HK)?[$€£¥₹]"
_AMOUNT_SCALE = rf"(?:{_SCALE}|bn|mn|m|k|tn)\b"
_PERCENT = r"%|\s?percent\b|\s?per cent\b|\s?percentage points?\b"
# Digits may carry an ordinal, decade or unit ending; any other letter glued on makes a
# word or a model name, not a figure.
_DIGIT_ENDING = r"st|nd|rd|th|s|am|pm|km|kg|mph|ft|cm|mm|ml|lb|lbs|m|bn|mn|k|tn|x"
_FIGURE = (
    rf"(?<![^\W\d_])(?<![^\W\d_]-)(?<![\d.,])"
    rf"(?:{_CURRENCY}\s?)?(?:{_DIGITS})(?:\s?{_AMOUNT_SCALE})?(?:{_PERCENT}|(?:{_DIGIT_ENDING})\b)?"
    rf"(?![^\W_])"
)
# One pattern, so that a figure is read once, as its longest form: a date before its day's
# digits, an amount with its scale word ("$4.5 million", not also "million").
_ANY_FIGURE = re.compile(
    rf"(?P<date>\b(?:{_DATE}))|(?P<figure>{_FIGURE})|(?P<word>\b(?i:{_NUMBER_WORD})(?:{_PERCENT})?\b)"
)


def figures(paragraphs: Iterable[str]) -> list[str]:
    """The figures of the paragraphs in order, each as written (number words lower-cased)."""
    return [figure for paragraph in paragraphs for figure in _figures_of(paragraph)]


@lru_cache(maxsize=4096)
def _figures_of(paragraph: str) -> tuple[str, ...]:
    return tuple(
        match.group() if match.lastgroup != "word" else match.group().lower()
        for match in _ANY_FIGURE.finditer(paragraph)
    )


def _is_date(phrase: str) -> bool:
    return bool(re.fullmatch(_DATE, phrase))


def compare_figures(old: list[str], new: list[str]) -> tuple[NumberChange, ...]:
    """The figures removed and added, paired old → new in the order they stand, figures of
    the same form (percentages with percentages, dates with dates) first."""
    removed = list((Counter(old) - Counter(new)).elements())
    added = list((Counter(new) - Counter(old)).elements())
    removed.sort(key=old.index)
    added.sort(key=new.index)
    changes: list[NumberChange] = []
    for figure in list(removed):
        partner = next((a for a in added if _form(a) == _form(figure)), None)
        if partner is not None:
            removed.remove(figure)
            added.remove(partner)
            changes.append(NumberChange(figure, partner))
    changes += [NumberChange(figure, None) for figure in removed]
    changes += [NumberChange(None, figure) for figure in added]
    return tuple(changes)


def _form(figure: str) -> str:
    if _is_date(figure):
        return "date"
    if "%" in figure or "per" in figure:
        return "percent"
    if re.match(_CURRENCY, figure):
        return "amount"
    return "digits" if any(c.isdigit() for c in figure) else "word"
