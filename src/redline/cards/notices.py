"""Correction notices: the paragraphs in which a newsroom says that it changed the article.

Two general forms, as newsrooms write them: a paragraph that opens with a label and a colon
or dash ("Correction:", "Clarification —", "Editor's note:", "Update (5 March):",
"Updated at 10am:"), and a paragraph that speaks of the article's own earlier state ("An
earlier version of this article...", "This story was amended on...", "This article has been
updated to...", "We have corrected...").
"""

from __future__ import annotations

import re
from functools import lru_cache

_LABEL = (
    r"corrections?|clarifications?|editor[’']?s[’']? notes?|editorial notes?|notes? to readers"
    r"|updates?|updated|amendments?|amended|errat(?:um|a)|retractions?|fact[- ]check"
)
# The label opens the paragraph; up to 60 characters (a date, a time, "2") may stand before
# its colon or dash, but no sentence end (a stop only between digits, as in "10.30am").
_LABELLED = re.compile(
    rf"^[\W_]*(?:{_LABEL})\b(?:[^.!?:]|(?<=\d)\.(?=\d)){{0,60}}?(?::|\s[—–-]\s|—)", re.IGNORECASE
)

_ARTICLE = r"(?:article|story|report|post|piece|column|item|headline|version|text|page|feature)"
_SELF_REFERENCE = re.compile(
    rf"\b(?:an?|the) (?:earlier|previous|prior|original|older) (?:version|draft|edition)s? of\b"
    rf"|\bthis {_ARTICLE} (?:was|has been|had been|is being|have been) (?:\w+ )?"
    r"(?:amended|updated|corrected|changed|revised|edited|clarified)\b"
    rf"|\bthis {_ARTICLE} (?:originally|previously|incorrectly|mistakenly|wrongly) "
    rf"|\b(?:we|editors) (?:have |has )?(?:corrected|amended|clarified) (?:this|the|an?) "
    rf"|\b(?:was|were|has been|have been) corrected (?:on|to|in) ",
    re.IGNORECASE,
)


@lru_cache(maxsize=4096)
def is_notice(paragraph: str) -> bool:
    """Whether a squashed paragraph is a correction, clarification, update or editor's note."""
    return bool(_LABELLED.match(paragraph) or _SELF_REFERENCE.search(paragraph))
