"""The hand-written edits of ``hand.toml``, made into examples.

Each ``[[edit]]`` names an article and says what the later version does to it; the
kinds and the note are written by hand. The operations apply in this order to the
article's base (or to ``window``, a slice of its prose paragraphs):

- ``after_window = [start, stop]``: the later version's paragraphs are that slice instead,
  or ``after_paragraphs = [index, ...]``: those prose paragraphs (a rewrite);
- ``common = [...]``: paragraphs appended to both versions (an older notice, say);
- ``replace = [[old, new], ...]``: text replaced in the later version; ``old`` must occur
  exactly once in its paragraphs, so an edit never lands somewhere unintended;
- ``delete = [index, ...]``, ``insert = [[index, text], ...]``, ``move = [from, to]``,
  ``append = [...]``: paragraphs removed, inserted, moved, appended;
- ``title``, ``byline`` (``""`` for none): the later version's headline and byline;
- ``before_replace = [[published, slip], ...]``: the *first* version carried a slip that
  the later one, the article as published, no longer has;
- ``swap = true``: the two versions exchanged (a revert: the later version is the first
  text again);
- ``revert_of = N``: the later version is the text of version N again;
- ``places = [...]``: capitalised words that are places, not names (for the checks).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from corpus import Article, Example
from textkit import Text, ordered


class SpecError(ValueError):
    """A hand-written edit that does not apply to its article as written."""


def _replaced(text: Text, old: str, new: str, spec_id: str) -> Text:
    hits = [i for i, paragraph in enumerate(text.paragraphs) if old in paragraph]
    if len(hits) != 1 or text.paragraphs[hits[0]].count(old) != 1:
        raise SpecError(
            f"{spec_id}: {old!r} occurs {sum(p.count(old) for p in text.paragraphs)} times"
        )
    paragraphs = list(text.paragraphs)
    paragraphs[hits[0]] = paragraphs[hits[0]].replace(old, new)
    return replace(text, paragraphs=tuple(p for p in paragraphs if p))


def _paragraph_ops(text: Text, spec: dict[str, Any]) -> Text:
    paragraphs = list(text.paragraphs)
    for index in sorted(spec.get("delete", ()), reverse=True):
        del paragraphs[index]
    for index, paragraph in spec.get("insert", ()):
        paragraphs.insert(index, paragraph)
    if "move" in spec:
        source, target = spec["move"]
        paragraphs.insert(target, paragraphs.pop(source))
    paragraphs.extend(spec.get("append", ()))
    return replace(text, paragraphs=tuple(paragraphs))


def _later(before: Text, article: Article, spec: dict[str, Any]) -> Text:
    after = before
    if "after_window" in spec:
        chosen = tuple(article.prose[slice(*spec["after_window"])])
    else:
        chosen = tuple(article.prose[index] for index in spec.get("after_paragraphs", ()))
    if chosen:
        after = replace(before, paragraphs=chosen + tuple(spec.get("common", ())))
    for old, new in spec.get("replace", ()):
        after = _replaced(after, old, new, spec["id"])
    after = _paragraph_ops(after, spec)
    if "title" in spec:
        after = replace(after, title=spec["title"])
    if "byline" in spec:
        after = replace(after, byline=spec["byline"] or None)
    return after


def materialise(spec: dict[str, Any], articles: dict[str, Article]) -> Example:
    article = articles[spec["article"]]
    before = article.window(*spec["window"]) if "window" in spec else article.base
    before = replace(before, paragraphs=before.paragraphs + tuple(spec.get("common", ())))
    after = _later(before, article, spec)
    for published, slip in spec.get("before_replace", ()):
        before = _replaced(before, published, slip, spec["id"])
    if spec.get("swap", False):
        before, after = after, before
    return Example(
        id=spec["id"],
        kinds=ordered(spec["kinds"]),
        note=spec["note"],
        made="hand",
        source=article.source,
        before=before,
        after=after,
        revert_of=spec.get("revert_of"),
    )
