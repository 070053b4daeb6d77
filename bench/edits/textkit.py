"""The labeller's own reading of a text: sentences, numbers, quotes, capitalised words, notices.

These are the tools that build and check the labelled set (``generate.py``). They are
simple and conservative on purpose: the generator only makes an edit where they are
sure of its kinds, and every example, generated or written by hand, is checked against
them. They are written from the issue's definitions of the kinds, not from the
classifier, and share nothing with it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

KINDS = (
    "headline",
    "byline",
    "lede",
    "added",
    "removed",
    "moved",
    "numbers",
    "quotes",
    "names",
    "correction",
    "typo",
    "rewrite",
    "revert",
    "stealth",
)
"""The vocabulary, in the order of ``redline.model.ChangeKind``."""

SUBSTANTIVE = frozenset({"numbers", "quotes", "names", "removed", "headline"})
"""What makes a change a stealth edit when no correction notice comes with it."""


def ordered(kinds: Iterable[str]) -> tuple[str, ...]:
    wanted = set(kinds)
    unknown = wanted - set(KINDS)
    if unknown:
        raise ValueError(f"not in the vocabulary: {sorted(unknown)}")
    return tuple(kind for kind in KINDS if kind in wanted)


def with_stealth(kinds: Iterable[str]) -> tuple[str, ...]:
    """The kinds plus ``stealth`` when the labelling rule (README) calls the change one."""
    found = set(kinds) - {"stealth"}
    substantive = found & SUBSTANTIVE
    headline_typo_only = substantive == {"headline"} and "typo" in found
    if substantive and "correction" not in found and not headline_typo_only:
        found.add("stealth")
    return ordered(found)


@dataclass(frozen=True)
class Text:
    """One version of an article, as the classifier is given it."""

    title: str
    byline: str | None
    paragraphs: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {"title": self.title, "byline": self.byline, "paragraphs": list(self.paragraphs)}

    def words(self) -> list[str]:
        return " ".join((self.title, self.byline or "", *self.paragraphs)).split()


def squash(text: str) -> str:
    """Whitespace runs made one space: what "only whitespace differs" compares."""
    return " ".join(text.split())


def same_but_whitespace(a: Text, b: Text) -> bool:
    def shape(text: Text) -> tuple[str, str, tuple[str, ...]]:
        return squash(text.title), squash(text.byline or ""), tuple(map(squash, text.paragraphs))

    return shape(a) == shape(b)


# Words before a full stop that do not end a sentence: titles, initials, "U.S.", "No.".
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr st prof sen rep gov gen col lt sgt jr sr inc co corp ltd no vs "
    "jan feb mar apr jun jul aug sep sept oct nov dec e.g i.e u.s u.k u.n a.m p.m".split()
)
_BOUNDARY = re.compile(r"(?<=[.!?])([\"”’']?)\s+(?=[\"“‘']?[A-Z0-9])")


def sentences(paragraph: str) -> list[str]:
    """The paragraph's sentences, split at a stop that does not follow an abbreviation."""
    found: list[str] = []
    start = 0
    for boundary in _BOUNDARY.finditer(paragraph):
        head = paragraph[start : boundary.start()]
        last_word = head.split()[-1].rstrip(".!?\"”’'").lower() if head.split() else ""
        if last_word in _ABBREVIATIONS or (len(last_word) == 1 and last_word.isalpha()):
            continue
        found.append(paragraph[start : boundary.end(1)])
        start = boundary.end()
    found.append(paragraph[start:])
    return [sentence for sentence in found if sentence]


_NOTICE = re.compile(
    r"^(corrections?\b|clarification\b|editor['’]s note\b|update[ds]?\b|"
    r"an earlier version\b|a previous version\b|"
    r"this (article|story) (was|has been) (amended|updated|corrected)\b)",
    re.IGNORECASE,
)


def is_notice(paragraph: str) -> bool:
    """A correction, clarification, update or editor's note (the issue's openers)."""
    return bool(_NOTICE.match(paragraph.strip()))


def story(text: Text) -> list[str]:
    """The paragraphs that are not notices: where numbers, quotes and names are counted."""
    return [paragraph for paragraph in text.paragraphs if not is_notice(paragraph)]


def notices(text: Text) -> list[str]:
    return [squash(paragraph) for paragraph in text.paragraphs if is_notice(paragraph)]


_NUMBER_WORDS = frozenset(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy "
    "eighty ninety hundred hundreds thousand thousands million millions billion billions "
    "trillion dozen dozens half quarter percent first second third fourth fifth sixth "
    "seventh eighth ninth tenth twice once".split()
)
_DATE_WORDS = frozenset(
    "january february march april may june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday yesterday today tomorrow".split()
)
_DIGITS = re.compile(r"\d(?:[\d,.:/]*\d)?")
_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)?")


_VAGUE_NUMBER_WORDS = frozenset(
    "one once twice half quarter first second third fourth fifth sixth seventh eighth ninth "
    "tenth today yesterday tomorrow".split()
)
"""Words that are numbers or dates only sometimes ("one of the", "at first", "second
opinion"): no label rests on them alone, and no unlabelled edit touches them."""


def number_tokens(text: str, *, vague: bool = True) -> Counter[str]:
    """Every figure, number word, month and weekday: wider than any classifier need be.
    ``vague=False`` leaves out the words that are numbers only sometimes."""
    found: Counter[str] = Counter(_DIGITS.findall(text))
    for word in _WORD.findall(text):
        lower = word.lower()
        if not vague and lower in _VAGUE_NUMBER_WORDS:
            continue
        if lower in _NUMBER_WORDS or (lower in _DATE_WORDS and word[0].isupper()):
            found[lower] += 1
    return found


_QUOTE_SPAN = re.compile(
    r"“[^”]*”|\"[^\"]*\"|(?<![\w’'])‘[^’‘]*’(?![A-Za-z])|(?<![\w'’])'[^']+'(?![A-Za-z])"
)
_QUOTE_MARK = re.compile(r"[\"“”‘]|(?<![A-Za-z])['’]|['’](?![A-Za-z])")


def quote_spans(text: str) -> Counter[str]:
    """The quoted passages, marks included."""
    return Counter(_QUOTE_SPAN.findall(text))


def has_quote_mark(text: str) -> bool:
    """Any quotation mark: an apostrophe inside a word (it's, don’t) is none."""
    return bool(_QUOTE_MARK.search(text))


def capitalised(paragraph: str, vocabulary: frozenset[str]) -> set[str]:
    """Capitalised words that may be names: not "I", and not a sentence's ordinary first word."""
    found: set[str] = set()
    for sentence in sentences(paragraph):
        words = _WORD.findall(sentence)
        for index, word in enumerate(words):
            ordinary_first = index == 0 and word.lower() in vocabulary
            date = word.lower() in _DATE_WORDS  # a month or weekday is a date, not a name
            if word[0].isupper() and word != "I" and not ordinary_first and not date:
                found.add(word)
    return found


def names_of(text: Text, vocabulary: frozenset[str]) -> set[str]:
    return {word for paragraph in story(text) for word in capitalised(paragraph, vocabulary)}


def is_plain(fragment: str, vocabulary: frozenset[str]) -> bool:
    """No number, date, quotation mark, parenthesis or possible name: carries no kind but itself."""
    return not (
        number_tokens(fragment)
        or has_quote_mark(fragment)
        or capitalised(fragment, vocabulary)
        or set(fragment) & set("()[]:;#&/")
        or is_notice(fragment)
    )


def lowercase_vocabulary(texts: Iterable[str], at_least: int = 3) -> frozenset[str]:
    """Words seen in lower case at least that often: a capitalised one of them is ordinary."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(word for word in _WORD.findall(text) if word.islower())
    return frozenset(word for word, count in counts.items() if count >= at_least)


def words_with_spans(paragraph: str) -> Iterator[re.Match[str]]:
    return _WORD.finditer(paragraph)


def inside_quote(paragraph: str, position: int) -> bool:
    return any(span.start() <= position < span.end() for span in _QUOTE_SPAN.finditer(paragraph))
