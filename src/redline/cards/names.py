"""Names of people and organisations: runs of two or more capitalised words.

A run may hold the particles of names ("Bank of England", "Ludwig van Beethoven") between
capitalised words. A capitalised word that opens a sentence (or a quote) is the sentence's,
not a name's, when it is a common word: one of the function words below or a word the
texts also write in lower case; so "The Navy" gives nothing and "Dana Whitfield said" opening
a sentence gives "Dana Whitfield". Honorifics ("Dr.", "Mr") are dropped from a name.

A single capitalised word is left out: it is as often a place, a day, a month, a
nationality or a brand as a surname, and a person or organisation is named in full where
the story first mentions them. The whole story's set of names is compared, so a name that
moved between sentences is neither added nor removed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

_TOKEN = re.compile(r"[^\W\d_][\w'’.&-]*|\S")
# Particles join the capitalised words of one name, never end one.
_PARTICLES = frozenset("of de da del della der den van von la le du bin al el y for".split())
_HONORIFICS = frozenset(
    "mr mrs ms miss mx dr prof sir dame lord lady rev fr st gen col lt sgt capt cpt".split()
)
_FUNCTION_WORDS = frozenset(
    """a an the this that these those it its he she they we you i his her their our my your
    in on at by for from to of with without about after before during since until while
    as if when where why how what which who whom whose there here then than but and or nor
    so yet not no yes all any each every some many most more much few several both either
    neither one two three such other another also even just only still already now today
    yesterday tomorrow however although though because despite meanwhile instead indeed
    according under over into onto through across between among against around near
    is are was were be been being has have had do does did will would can could should
    may might must shall let last next new first second once like unlike per via
    """.split()
)
_SENTENCE_STARTS = frozenset(".!?:;\"“”‘'(—–")


def _is_capitalised(token: str) -> bool:
    return token[0].isupper() and any(c.isalpha() for c in token)


def _is_abbreviation(token: str) -> bool:
    """An initial ("W.") or an honorific ("Dr."): its stop ends no sentence and no name."""
    return len(token) == 2 or _core(token) in _HONORIFICS


def _core(token: str) -> str:
    return token.strip(".'’").lower()


def names(paragraphs: Iterable[str], lower_words: frozenset[str]) -> set[str]:
    """The names of the paragraphs; ``lower_words`` are the words the texts write in lower
    case (both versions', so that both read a sentence-initial word the same way)."""
    found: set[str] = set()
    for paragraph in paragraphs:
        for run, opens_sentence in _capitalised_runs(paragraph):
            if opens_sentence and _core(run[0]) in _FUNCTION_WORDS | lower_words:
                run = run[1:]
            found.update(_name(run))
    return found


def lower_case_words(paragraphs: Iterable[str]) -> frozenset[str]:
    return frozenset().union(*(_lower_case_words(p) for p in paragraphs))


@lru_cache(maxsize=4096)
def _lower_case_words(paragraph: str) -> frozenset[str]:
    return frozenset(token for token in _TOKEN.findall(paragraph) if token[0].islower())


@lru_cache(maxsize=4096)
def _capitalised_runs(paragraph: str) -> tuple[tuple[tuple[str, ...], bool], ...]:
    """The runs of capitalised words (with particles) of a paragraph, each with whether it
    opens a sentence (cached: the same paragraphs come in both versions)."""
    runs: list[tuple[tuple[str, ...], bool]] = []
    run: list[str] = []
    run_opens = sentence_start = True
    for token in _TOKEN.findall(paragraph):
        starts = sentence_start
        sentence_start = token in _SENTENCE_STARTS or (
            token.endswith((".", "!", "?", ":")) and not _is_abbreviation(token)
        )
        if _is_capitalised(token):
            if not run:
                run_opens = starts
            run.append(token)
            if sentence_start:
                runs.append((tuple(run), run_opens))
                run = []
        elif run and token.islower() and _core(token) in _PARTICLES:
            run.append(token)
        elif run:
            runs.append((tuple(run), run_opens))
            run = []
    if run:
        runs.append((tuple(run), run_opens))
    return tuple(runs)


def _name(run: Sequence[str]) -> Iterable[str]:
    while run and (run[-1].islower() or _core(run[-1]) in _HONORIFICS):
        run = run[:-1]
    words = [t.strip(".,'’") for t in run if _core(t) not in _HONORIFICS]
    if len(words) >= 2:
        yield " ".join(words)
