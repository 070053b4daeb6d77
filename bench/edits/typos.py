"""The small slips a first version carries and a later one fixes.

Each slip takes a real paragraph (the fixed text, as published) and returns the
paragraph as it read with the slip, and a note. A slip only touches a lower-case
word outside quotes, or a comma, stop or apostrophe between such words: never a
figure, a name or a quoted passage, so that the fix is a ``typo`` and nothing else.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable

from textkit import inside_quote, words_with_spans

Slip = Callable[[str, random.Random], tuple[str, str] | None]

MISSPELLINGS = {
    "government": "goverment",
    "received": "recieved",
    "receive": "recieve",
    "believe": "beleive",
    "separate": "seperate",
    "definitely": "definately",
    "occurred": "occured",
    "necessary": "neccessary",
    "environment": "enviroment",
    "beginning": "begining",
    "committee": "commitee",
    "until": "untill",
    "successful": "succesful",
    "business": "buisness",
    "which": "wich",
    "their": "thier",
    "because": "becuase",
    "people": "poeple",
    "really": "realy",
    "different": "diffrent",
    "important": "importent",
    "recommend": "reccomend",
    "across": "accross",
    "achieve": "acheive",
    "already": "allready",
    "experience": "experiance",
    "immediately": "immediatly",
    "independent": "independant",
    "knowledge": "knowlege",
    "maintenance": "maintainance",
    "particularly": "particulary",
    "similar": "similiar",
    "surprise": "suprise",
    "whether": "wether",
    "research": "reserach",
    "technology": "tecnology",
    "information": "infomation",
    "community": "comunity",
    "development": "developement",
    "management": "managment",
    "industry": "indusrty",
    "health": "heatlh",
    "security": "secuirty",
    "available": "availible",
    "especially": "especialy",
    "according": "acording",
    "professional": "proffesional",
    "familiar": "familar",
    "restaurant": "restaraunt",
    "schedule": "schedual",
    "science": "sceince",
    "truly": "truely",
}
"""The common misspellings of English words, as spell-checkers list them."""

CONFUSIONS = {
    "its": "it's",
    "their": "there",
    "than": "then",
    "whose": "who's",
    "lose": "loose",
    "affect": "effect",
    "effect": "affect",
    "your": "you're",
    "too": "to",
    "led": "lead",
    "passed": "past",
    "fewer": "less",
    "complement": "compliment",
    "principle": "principal",
    "accept": "except",
}
"""Published word → the word a writer confuses it with (a wording fix, not a spelling one)."""

_SMALL_WORDS = ("the", "to", "of", "and", "a", "in", "that", "for", "is")
_LOWER_WORD_COMMA = re.compile(r"(?<![\w'’-])([a-z]+), (?=[a-z])")
_APOSTROPHE_WORD = re.compile(r"\b([a-z]+)(['’])(s|t|re|ve|ll|d)\b")
_AN = re.compile(r"\ban (?=[a-z])")


def _lower_words(paragraph: str, shortest: int) -> list[re.Match[str]]:
    return [
        word
        for word in words_with_spans(paragraph)
        if word.group(0).isalpha()
        and word.group(0).islower()
        and len(word.group(0)) >= shortest
        and not inside_quote(paragraph, word.start())
    ]


def _at(paragraph: str, start: int, end: int, text: str) -> str:
    return paragraph[:start] + text + paragraph[end:]


def _word_from(
    table: dict[str, str], paragraph: str, rng: random.Random, shortest: int
) -> tuple[str, str] | None:
    """A published word of ``table`` printed first as the word the table gives for it."""
    words = [w for w in _lower_words(paragraph, shortest) if w.group(0) in table]
    if not words:
        return None
    word = rng.choice(words)
    wrong = table[word.group(0)]
    return _at(paragraph, word.start(), word.end(), wrong), f'"{wrong}" → "{word.group(0)}"'


def misspelling(paragraph: str, rng: random.Random) -> tuple[str, str] | None:
    return _word_from(MISSPELLINGS, paragraph, rng, 4)


def _letter_slip(
    paragraph: str, rng: random.Random, shortest: int, slip: Callable[[str, int], str]
) -> tuple[str, str] | None:
    words = _lower_words(paragraph, shortest)
    if not words:
        return None
    word = rng.choice(words)
    text = word.group(0)
    wrong = slip(text, rng.randrange(1, len(text) - 2))
    if wrong == text:
        return None
    return _at(paragraph, word.start(), word.end(), wrong), f'"{wrong}" → "{text}"'


def transposition(paragraph: str, rng: random.Random) -> tuple[str, str] | None:
    return _letter_slip(paragraph, rng, 6, lambda w, i: w[:i] + w[i + 1] + w[i] + w[i + 2 :])


def dropped_letter(paragraph: str, rng: random.Random) -> tuple[str, str] | None:
    return _letter_slip(paragraph, rng, 7, lambda w, i: w[:i] + w[i + 1 :])


def doubled_letter(paragraph: str, rng: random.Random) -> tuple[str, str] | None:
    return _letter_slip(paragraph, rng, 6, lambda w, i: w[: i + 1] + w[i] + w[i + 1 :])


def doubled_word(paragraph: str, rng: random.Random) -> tuple[str, str] | None:
    words = [w for w in _lower_words(paragraph, 1) if w.group(0) in _SMALL_WORDS]
    if not words:
        return None
    word = rng.choice(words)
    doubled = f"{word.group(0)} {word.group(0)}"
    return _at(paragraph, word.start(), word.end(), doubled), f'doubled word "{doubled}" fixed'


def confusion(paragraph: str, rng: random.Random) -> tuple[str, str] | None:
    return _word_from(CONFUSIONS, paragraph, rng, 2)


def _pick(pattern: re.Pattern[str], paragraph: str, rng: random.Random) -> re.Match[str] | None:
    found = [m for m in pattern.finditer(paragraph) if not inside_quote(paragraph, m.start())]
    return rng.choice(found) if found else None


def missing_comma(paragraph: str, rng: random.Random) -> tuple[str, str] | None:
    comma = _pick(_LOWER_WORD_COMMA, paragraph, rng)
    if comma is None:
        return None
    return _at(paragraph, comma.start(), comma.end(), comma.group(1) + " "), "missing comma added"


def missing_apostrophe(paragraph: str, rng: random.Random) -> tuple[str, str] | None:
    word = _pick(_APOSTROPHE_WORD, paragraph, rng)
    if word is None:
        return None
    wrong = word.group(1) + word.group(3)
    note = f'missing apostrophe: "{wrong}" → "{word.group(0)}" (an apostrophe, not a quote)'
    return _at(paragraph, word.start(), word.end(), wrong), note


def wrong_article(paragraph: str, rng: random.Random) -> tuple[str, str] | None:
    article = _pick(_AN, paragraph, rng)
    if article is None:
        return None
    return _at(paragraph, article.start(), article.end(), "a "), '"a" → "an" before a vowel'


def missing_stop(paragraph: str, rng: random.Random) -> tuple[str, str] | None:
    if not paragraph.endswith(".") or paragraph.endswith(".."):
        return None
    return paragraph[:-1], "missing full stop at the end of a paragraph added"


SLIPS: tuple[Slip, ...] = (
    misspelling,
    misspelling,
    transposition,
    dropped_letter,
    doubled_letter,
    doubled_word,
    confusion,
    missing_comma,
    missing_apostrophe,
    wrong_article,
    missing_stop,
)
"""Misspellings twice: they are the commonest fix."""
