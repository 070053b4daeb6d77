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
    """How many characters differ: each changed run counts its longer side."""
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


def _joined_or_split(a: list[str], b: list[str]) -> bool:
    """A space put in or taken out ("alot" → "a lot") changes no letter."""
    return _bare("".join(a)) == _bare("".join(b))


def _one_word_fixed(a: str, b: str) -> bool:
    return SequenceMatcher(None, a.lower(), b.lower()).ratio() >= SIMILAR_WORDS


def _fix_size(
    a: list[str], b: list[str], op: str, i1: int, i2: int, j1: int, j2: int
) -> int | None:
    """The characters one changed place changes, or None if it is no typo fix."""
    old, new = a[i1:i2], b[j1:j2]
    if op == "replace" and len(old) == len(new) == 1 and _one_word_fixed(old[0], new[0]):
        pass
    elif op == "replace" and _joined_or_split(old, new):
        pass
    elif not (op == "delete" and _doubled(a, i1, i2)) and not (
        op == "insert" and _doubled(b, j1, j2)
    ):
        return None
    return characters_changed(" ".join(old), " ".join(new)) + (op != "replace")


def is_typo_fix(old: str, new: str) -> bool:
    """Whether ``old`` became ``new`` by typo-sized fixes only (False when they are equal).

    Words are compared first and characters only within the changed places, so that a
    long text costs time in proportion to its length."""
    if old == new or abs(len(old) - len(new)) > MAX_CHARACTERS:
        return False
    a, b = old.split(), new.split()
    changed = 0
    for opcode in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if opcode[0] == "equal":
            continue
        size = _fix_size(a, b, *opcode)
        if size is None:
            return False
        changed += size
        if changed > MAX_CHARACTERS:
            return False
    return True
