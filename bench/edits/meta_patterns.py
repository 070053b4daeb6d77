"""Generated edits around the story: notices, bylines, reruns that change nothing, reverts."""

from __future__ import annotations

import random
from dataclasses import replace

import notices
from corpus import Article, Example
from patterns import Context, Made, figure_only, inserted, made, story_text, without
from textkit import Text, is_plain, with_stealth

CO_AUTHORS = (
    "Priya Natarajan",
    "Marcus Ellery",
    "Hannah Okafor",
    "Diego Ramírez",
    "Sophie Lindqvist",
    "Tomás Herrera",
    "Grace Liu",
    "Owen McCarthy",
    "Amara Nwosu",
    "Kenji Watanabe",
    "Leila Haddad",
    "Ruth Abernathy",
    "Samuel Osei",
    "Ingrid Halvorsen",
    "Mateo Rossi",
    "Chloé Dubois",
    "Aiden Brennan",
    "Fatima Zahra Alaoui",
    "Elena Petrova",
    "Jonah Whitfield",
)
"""Invented reporters: the second names a byline gains."""

DESKS = ("Staff", "Staff reports", "News desk", "Web staff", "Wire services", "Editorial team")
AGENCIES = ("Reuters", "The Associated Press", "AFP", "Bloomberg", "PA Media")


def _noticed(text: Text, notice: str) -> Text:
    return replace(text, paragraphs=(*text.paragraphs, notice))


def notice_added(article: Article, ctx: Context) -> Made | None:
    notice = ctx.rng.choice(notices.STANDALONE_NOTICES).format(date=notices.date(ctx.rng)[0])
    base = article.base
    note = f'A notice appended, the text otherwise unchanged: "{notice[:40]}…"'
    return made(base, _noticed(base, notice), {"correction"}, note)


def notice_changed(article: Article, ctx: Context) -> Made | None:
    """A notice already there is changed: ``correction``, and never ``numbers`` (README)."""
    first, second, what = notices.changed_notice(ctx.rng)
    base = article.base
    note = f"The notice at the end changed: {what}"
    return made(_noticed(base, first), _noticed(base, second), {"correction"}, note)


def update_with_paragraph(article: Article, ctx: Context) -> Made | None:
    base = article.base
    story = story_text(base)
    found = [
        p
        for p in article.extra
        if is_plain(p, ctx.vocabulary) or figure_only(p, story, ctx.vocabulary)
    ]
    if not found:
        return None
    paragraph = ctx.rng.choice(found)
    at = ctx.rng.randrange(1, len(base.paragraphs) + 1)
    notice = notices.dated(ctx.rng.choice(notices.UPDATE_NOTICES), ctx.rng)[0]
    after = _noticed(inserted(base, at, paragraph), notice)
    figured = not is_plain(paragraph, ctx.vocabulary)
    kinds = {"added", "correction"} | ({"numbers"} if figured else set())
    what = "with new figures" if figured else "of background"
    return made(
        base,
        after,
        kinds,
        f"Update: a paragraph {what} added as paragraph {at + 1}, with an update note",
    )


def removal_with_notice(article: Article, ctx: Context) -> Made | None:
    base = article.base
    plain = [i for i, p in enumerate(base.paragraphs) if i > 0 and is_plain(p, ctx.vocabulary)]
    if not plain:
        return None
    index = ctx.rng.choice(plain)
    notice = notices.dated(ctx.rng.choice(notices.REMOVAL_NOTICES), ctx.rng)[0]
    after = _noticed(without(base, index), notice)
    note = f"Paragraph {index + 1} removed, and a notice says so (not stealth)"
    return made(base, after, {"removed", "correction"}, note)


# Bylines -------------------------------------------------------------------------------


def _byline_pair(byline: str | None, rng: random.Random) -> tuple[str | None, str | None, str]:
    """Byline before, after, and what happened; ``byline`` is the published one."""
    other = rng.choice(CO_AUTHORS)
    if byline is None:
        return rng.choice(DESKS), other, "desk credit replaced by a reporter's name"
    choice = rng.randrange(6)
    if choice == 0 and " and " not in byline and "," not in byline:
        return byline, f"{byline} and {other}", "a second author added"
    if choice == 1:
        return rng.choice(DESKS), byline, "desk credit replaced by the author's name"
    if choice == 2:
        return None, byline, "byline appeared (was missing)"
    if choice == 3:
        return byline, f"{byline}, {rng.choice(AGENCIES)}", "agency credit added to the byline"
    if choice == 4 and " and " in byline:
        first, last = byline.rsplit(" and ", 1)
        return byline, f"{last} and {first}", "authors' order swapped"
    if " and " in byline:
        return byline, f"{other}, {byline}", "a third author added"
    return byline, f"{byline} and {other}", "a second author added"


def byline_changed(article: Article, ctx: Context) -> Made | None:
    before, after, what = _byline_pair(article.byline, ctx.rng)
    base = article.base
    note = f"Byline: {what} ({before!r} → {after!r})"
    return made(replace(base, byline=before), replace(base, byline=after), {"byline"}, note)


# Reruns that change nothing ---------------------------------------------------------------


def identical(article: Article, ctx: Context) -> Made | None:
    base = article.base
    return Made(base, base, (), "The same text extracted again: no change, no card")


def _spaced(paragraph: str, rng: random.Random) -> str:
    words = paragraph.split(" ")
    at = rng.randrange(1, len(words))
    gap = rng.choice(("  ", "\u00a0", "\t", "\n", " \u00a0 ", "   "))
    return " ".join(words[:at]) + gap + " ".join(words[at:])


def whitespace_only(article: Article, ctx: Context) -> Made | None:
    """The same words, spaced otherwise: doubled or non-breaking spaces, tabs, line breaks."""
    base = article.base
    paragraphs = list(base.paragraphs)
    touched = ctx.rng.sample(range(len(paragraphs)), ctx.rng.randint(1, 3))
    for index in touched:
        paragraphs[index] = _spaced(paragraphs[index], ctx.rng)
        if ctx.rng.random() < 0.3:
            paragraphs[index] = f" {paragraphs[index]} "
    title = f"{base.title} " if ctx.rng.random() < 0.3 else base.title
    after = Text(title, base.byline, tuple(paragraphs))
    where = ", ".join(str(i + 1) for i in sorted(touched))
    return Made(base, after, (), f"Only whitespace differs (paragraphs {where}): no card")


# Reverts -------------------------------------------------------------------------------

_INVERSE = {"added": "removed", "removed": "added"}
REVERTIBLE = ("numbers", "typo", "moved", "byline", "added", "removed", "headline")
"""Generated edits whose undoing reads as an edit of its own; notices are left out (a
removed notice is no kind of the vocabulary)."""


def reverted(example: Example, number: str, revert_of: int) -> Example:
    """The store saw ``example.after``, then the text of version ``revert_of`` again."""
    kinds = {_INVERSE.get(kind, kind) for kind in example.kinds} | {"revert"}
    note = f"Revert to version {revert_of}, undoing {example.id}: {example.note}"
    return replace(
        example,
        id=f"revert-{number}",
        kinds=with_stealth(kinds),
        note=note,
        before=example.after,
        after=example.before,
        revert_of=revert_of,
    )
