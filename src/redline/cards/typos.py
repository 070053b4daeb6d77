"""Whether a change is typo-sized: small spelling, punctuation or wording fixes only.

A fix is typo-sized when, word by word (words with their punctuation), each changed place is
one word for one similar word ("recieve" → "receive", "its" → "it's", "than" → "then",
"said" → "said,"), or a doubled word dropped or put back, and all of it changes at most
MAX_CHARACTERS characters. Inserting or removing a real word ("to Baghdad") is no typo.
"""

from __future__ import annotations

from difflib import SequenceMatcher

MAX_CHARACTERS = 12
"""At most this many characters changed per paragraph (bench/edits/README.md)."""
SIMILAR_WORDS = 0.5
"""Two words whose spelling matches at least this much (difflib's ratio) are one word fixed."""


def characters_changed(old: str, new: str) -> int:
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    return sum(
        max(i2 - i1, j2 - j1) for op, i1, i2, j1, j2 in matcher.get_opcodes() if op != "equal"
    )


def _bare(word: str) -> str:
    return "".join(c for c in word.lower() if c.isalnum())


def _doubled(words: list[str], start: int, end: int) -> bool:
    """Whether words[start:end] is one word that repeats a neighbour."""
    if end - start != 1:
        return False
    word = _bare(words[start])
    neighbours = [words[i] for i in (start - 1, end) if 0 <= i < len(words)]
    return any(_bare(n) == word for n in neighbours)


def is_typo_fix(old: str, new: str) -> bool:
    """Whether ``old`` became ``new`` by typo-sized fixes only (False when they are equal)."""
    if old == new or characters_changed(old, new) > MAX_CHARACTERS:
        return False
    a, b = old.split(), new.split()
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        if op == "replace":
            if not (i2 - i1 == 1 and j2 - j1 == 1):
                if not _joined_or_split(a[i1:i2], b[j1:j2]):
                    return False
            elif SequenceMatcher(None, a[i1].lower(), b[j1].lower()).ratio() < SIMILAR_WORDS:
                return False
        elif op == "delete" and not _doubled(a, i1, i2):
            return False
        elif op == "insert" and not _doubled(b, j1, j2):
            return False
    return True


def _joined_or_split(a: list[str], b: list[str]) -> bool:
    """A space put in or taken out ("alot" → "a lot") changes no letter."""
    return _bare("".join(a)) == _bare("".join(b))
