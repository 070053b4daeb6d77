"""The generated edits: each pattern makes one kind of realistic edit to a real article.

A pattern gets an article and a seeded random source and returns the two versions, the
kinds the edit has by construction (README: how each kind is labelled) and a note, or
None when the article offers nothing it can safely edit. Paragraphs that an edit adds or
removes are chosen with ``textkit`` so that they carry no kind of their own the label
would miss: "plain" ones (no figure, date, quote or possible name), or ones whose only
extra is a figure found nowhere else in the text.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

import figures
import notices
import typos
from corpus import Article
from textkit import (
    Text,
    capitalised,
    has_quote_mark,
    is_plain,
    number_tokens,
    quote_spans,
    sentences,
    with_stealth,
)


@dataclass(frozen=True)
class Made:
    before: Text
    after: Text
    kinds: tuple[str, ...]
    note: str


@dataclass(frozen=True)
class Context:
    rng: random.Random
    vocabulary: frozenset[str]


Pattern = Callable[[Article, Context], Made | None]


def made(before: Text, after: Text, kinds: Iterable[str], note: str) -> Made:
    return Made(before, after, with_stealth(kinds), note)


def lede(*indexes: int) -> set[str]:
    return {"lede"} if 0 in indexes else set()


def with_paragraph(text: Text, index: int, paragraph: str) -> Text:
    paragraphs = list(text.paragraphs)
    paragraphs[index] = paragraph
    return replace(text, paragraphs=tuple(paragraphs))


def inserted(text: Text, index: int, *paragraphs: str) -> Text:
    kept = text.paragraphs
    return replace(text, paragraphs=kept[:index] + paragraphs + kept[index:])


def without(text: Text, index: int) -> Text:
    return replace(text, paragraphs=text.paragraphs[:index] + text.paragraphs[index + 1 :])


def story_text(text: Text) -> str:
    return "\n\n".join(text.paragraphs)


def where(rng: random.Random, count: int, lede_share: float = 0.25) -> list[int]:
    """Paragraph indexes to try, the first paragraph first about ``lede_share`` of the time."""
    rest = rng.sample(range(1, count), count - 1)
    return [0, *rest] if rng.random() < lede_share else [*rest, 0]


def figure_only(fragment: str, others: str, vocabulary: frozenset[str]) -> bool:
    """A figure is its only extra, and none of its numbers appears in ``others``."""
    tokens = number_tokens(fragment)
    return (
        any(token[0].isdigit() for token in tokens)
        and not has_quote_mark(fragment)
        and not capitalised(fragment, vocabulary)
        and not set(fragment) & set("()[]:;#&/")
        and not any(token in others for token in tokens)
    )


def clean_sentences(paragraph: str) -> list[str]:
    """The paragraph's sentences if each is a real one (five words or more, capitalised),
    else none: lists and fragments split badly, and an edit of them would be ambiguous."""
    parts = sentences(paragraph)
    real = all(len(part.split()) >= 5 and part.lstrip("\"“‘'")[:1].isupper() for part in parts)
    return parts if real else []


# Numbers -------------------------------------------------------------------------------


def _figure_edit(
    article: Article, ctx: Context, finder: Callable[[str, str], list[figures.Figure]]
) -> tuple[int, figures.Figure] | None:
    base = article.base
    for index in where(ctx.rng, len(base.paragraphs)):
        found = finder(base.paragraphs[index], story_text(base))
        counts = [figure for figure in found if figure.what != "the year"]
        if counts and ctx.rng.random() < 0.75:  # years are the commonest figure: not 3 in 4
            found = counts
        if found:
            return index, ctx.rng.choice(found)
    return None


def _digits(article: Article, ctx: Context) -> tuple[int, figures.Figure] | None:
    return _figure_edit(
        article, ctx, lambda p, story: figures.figures(p, story, ctx.vocabulary, ctx.rng)
    )


def _number_change(
    article: Article, found: tuple[int, figures.Figure] | None, label: str
) -> Made | None:
    if found is None:
        return None
    index, figure = found
    base = article.base
    before = with_paragraph(base, index, figure.misprinted(base.paragraphs[index]))
    note = (
        f"{label} in paragraph {index + 1} corrected without notice: {figure.wrong} → {figure.text}"
    )
    return made(before, base, {"numbers"} | lede(index), note)


def number_changed(article: Article, ctx: Context) -> Made | None:
    return _number_change(article, _digits(article, ctx), "A figure")


def number_word_changed(article: Article, ctx: Context) -> Made | None:
    found = _figure_edit(article, ctx, figures.count_words)
    return _number_change(article, found, "A spelled-out count")


def month_changed(article: Article, ctx: Context) -> Made | None:
    found = _figure_edit(article, ctx, figures.month_dates)
    return _number_change(article, found, "The month of a date")


def number_with_notice(article: Article, ctx: Context) -> Made | None:
    found = _digits(article, ctx)
    change = _number_change(article, found, "A figure")
    if change is None or found is None:
        return None
    notice = notices.figure_notice(found[1], ctx.rng)
    after = replace(change.after, paragraphs=(*change.after.paragraphs, notice))
    kinds = (set(change.kinds) - {"stealth"}) | {"correction"}
    note = change.note.replace("without notice", "with a correction notice appended")
    return made(change.before, after, kinds, note)


def number_under_old_notice(article: Article, ctx: Context) -> Made | None:
    """A silent figure change in an article that already carries an older, unchanged notice."""
    change = number_changed(article, ctx)
    if change is None:
        return None
    notice = ctx.rng.choice(notices.STANDALONE_NOTICES).format(date=notices.date(ctx.rng)[0])

    def noticed(text: Text) -> Text:
        return replace(text, paragraphs=(*text.paragraphs, notice))

    note = change.note + "; an older notice, unchanged, is in both versions"
    return made(noticed(change.before), noticed(change.after), change.kinds, note)


# Typos ---------------------------------------------------------------------------------


def _slip(
    article: Article, ctx: Context, text: Text, skip: int = -1
) -> tuple[int, Text, str] | None:
    slips = list(typos.SLIPS)
    ctx.rng.shuffle(slips)
    for index in where(ctx.rng, len(text.paragraphs), lede_share=0.3):
        if index == skip:
            continue
        for slip in slips:
            found = slip(text.paragraphs[index], ctx.rng)
            if found is not None:
                return index, with_paragraph(text, index, found[0]), found[1]
    return None


def typo_fixed(article: Article, ctx: Context) -> Made | None:
    found = _slip(article, ctx, article.base)
    if found is None:
        return None
    index, before, note = found
    return made(
        before, article.base, {"typo"} | lede(index), f"Typo fixed in paragraph {index + 1}: {note}"
    )


def two_typos_fixed(article: Article, ctx: Context) -> Made | None:
    first = _slip(article, ctx, article.base)
    if first is None:
        return None
    second = _slip(article, ctx, first[1], skip=first[0])
    if second is None:
        return None
    note = (
        f"Two typos fixed: {first[2]} (paragraph {first[0] + 1}), "
        f"{second[2]} (paragraph {second[0] + 1})"
    )
    return made(second[1], article.base, {"typo"} | lede(first[0], second[0]), note)


def headline_typo_fixed(article: Article, ctx: Context) -> Made | None:
    slips = [typos.misspelling, typos.transposition, typos.dropped_letter, typos.doubled_word]
    ctx.rng.shuffle(slips)
    for slip in slips:
        found = slip(article.title, ctx.rng)
        if found is not None:
            before = replace(article.base, title=found[0])
            return made(
                before, article.base, {"headline", "typo"}, f"Headline typo fixed: {found[1]}"
            )
    return None


# Moves ---------------------------------------------------------------------------------


def _moved(text: Text, source: int, target: int) -> Text:
    paragraphs = list(text.paragraphs)
    paragraphs.insert(target, paragraphs.pop(source))
    return replace(text, paragraphs=tuple(paragraphs))


def _carries(paragraph: str, vocabulary: frozenset[str]) -> str:
    """What a moved paragraph carries that must not count: its figures, names and quotes."""
    carried = [
        label
        for label, present in (
            ("figures", any(t[0].isdigit() for t in number_tokens(paragraph))),
            ("names", bool(capitalised(paragraph, vocabulary))),
            ("quotes", has_quote_mark(paragraph)),
        )
        if present
    ]
    return f" (it carries {', '.join(carried)}: all unchanged)" if carried else ""


def paragraph_moved(article: Article, ctx: Context) -> Made | None:
    base = article.base
    count = len(base.paragraphs)
    source = ctx.rng.randrange(2, count)
    target = ctx.rng.randrange(1, source)
    if ctx.rng.random() < 0.4:  # moved down instead: the same pair read the other way
        source, target = target, source
    after = _moved(base, source, target)
    note = f"Paragraph {source + 1} moved to position {target + 1}" + _carries(
        base.paragraphs[source], ctx.vocabulary
    )
    return made(base, after, {"moved"}, note)


def paragraph_moved_to_top(article: Article, ctx: Context) -> Made | None:
    base = article.base
    source = ctx.rng.randrange(1, min(5, len(base.paragraphs)))
    if ctx.rng.random() < 0.5:
        after = _moved(base, source, 0)
        note = f"Paragraph {source + 1} moved up to open the article"
    else:
        after = _moved(base, 0, source)
        note = f"The first paragraph moved down to position {source + 1}"
    return made(
        base, after, {"moved", "lede"}, note + _carries(base.paragraphs[source], ctx.vocabulary)
    )


def sentences_swapped(article: Article, ctx: Context) -> Made | None:
    base = article.base
    for index in where(ctx.rng, len(base.paragraphs)):
        parts = clean_sentences(base.paragraphs[index])
        if len(parts) < 2 or has_quote_mark(base.paragraphs[index]):  # a quote may span two
            continue
        at = ctx.rng.randrange(len(parts) - 1)
        parts[at], parts[at + 1] = parts[at + 1], parts[at]
        after = with_paragraph(base, index, " ".join(parts))
        note = f"Sentences {at + 1} and {at + 2} of paragraph {index + 1} swapped"
        return made(base, after, {"moved"} | lede(index), note)
    return None


def sentence_moved_across(article: Article, ctx: Context) -> Made | None:
    """The last sentence of a paragraph moved to the end of the paragraph after next."""
    base = article.base
    for index in where(ctx.rng, len(base.paragraphs) - 2):
        parts = clean_sentences(base.paragraphs[index])
        if len(parts) < 2:
            continue
        target = index + 2
        after = with_paragraph(base, index, " ".join(parts[:-1]))
        after = with_paragraph(after, target, f"{base.paragraphs[target]} {parts[-1]}")
        note = (
            f"The last sentence of paragraph {index + 1} moved to the end of paragraph {target + 1}"
        )
        return made(base, after, {"moved"} | lede(index), note)
    return None


# Additions and removals -----------------------------------------------------------------


def _extra(article: Article, ctx: Context, fits: Callable[[str], bool]) -> str | None:
    found = [paragraph for paragraph in article.extra if fits(paragraph)]
    return ctx.rng.choice(found) if found else None


def _plain(ctx: Context) -> Callable[[str], bool]:
    return lambda fragment: is_plain(fragment, ctx.vocabulary)


def _figured(text: Text, ctx: Context) -> Callable[[str], bool]:
    return lambda fragment: figure_only(fragment, story_text(text), ctx.vocabulary)


def _added(
    article: Article, ctx: Context, fits: Callable[[str], bool], kinds: set[str], what: str
) -> Made | None:
    paragraph = _extra(article, ctx, fits)
    if paragraph is None:
        return None
    base = article.base
    at = 0 if ctx.rng.random() < 0.1 else ctx.rng.randrange(1, len(base.paragraphs) + 1)
    note = f"{what} added as paragraph {at + 1}"
    return made(base, inserted(base, at, paragraph), kinds | lede(at), note)


def plain_paragraph_added(article: Article, ctx: Context) -> Made | None:
    return _added(article, ctx, _plain(ctx), {"added"}, "A paragraph of background")


def figure_paragraph_added(article: Article, ctx: Context) -> Made | None:
    fits = _figured(article.base, ctx)
    return _added(article, ctx, fits, {"added", "numbers"}, "A paragraph with new figures")


def plain_sentence_added(article: Article, ctx: Context) -> Made | None:
    found = [s for p in article.extra for s in clean_sentences(p) if is_plain(s, ctx.vocabulary)]
    if not found:
        return None
    sentence = ctx.rng.choice(found)
    base = article.base
    index = where(ctx.rng, len(base.paragraphs))[0]
    after = with_paragraph(base, index, f"{base.paragraphs[index]} {sentence}")
    note = f"A sentence added at the end of paragraph {index + 1}"
    return made(base, after, {"added"} | lede(index), note)


def _removed(
    article: Article, ctx: Context, fits: Callable[[str, Text], bool], kinds: set[str], what: str
) -> Made | None:
    base = article.base
    for index in where(ctx.rng, len(base.paragraphs), lede_share=0.12):
        rest = without(base, index)
        if fits(base.paragraphs[index], rest):
            note = f"{what} (paragraph {index + 1}) removed without notice"
            return made(base, rest, kinds | lede(index), note)
    return None


def plain_paragraph_removed(article: Article, ctx: Context) -> Made | None:
    return _removed(
        article, ctx, lambda p, _: is_plain(p, ctx.vocabulary), {"removed"}, "A paragraph"
    )


def figure_paragraph_removed(article: Article, ctx: Context) -> Made | None:
    fits = lambda p, rest: figure_only(p, story_text(rest), ctx.vocabulary)  # noqa: E731
    return _removed(article, ctx, fits, {"removed", "numbers"}, "A paragraph with figures")


def quote_removed(article: Article, ctx: Context) -> Made | None:
    def fits(paragraph: str, rest: Text) -> bool:
        spans = quote_spans(paragraph)
        return (
            bool(spans)
            and min(len(span.split()) for span in spans) >= 4  # a quotation, not a "term"
            and not capitalised(paragraph, ctx.vocabulary)
            and not number_tokens(paragraph)
        )

    return _removed(article, ctx, fits, {"removed", "quotes"}, "A paragraph with a quote")


def plain_sentence_removed(article: Article, ctx: Context) -> Made | None:
    base = article.base
    for index in where(ctx.rng, len(base.paragraphs), lede_share=0.2):
        parts = clean_sentences(base.paragraphs[index])
        plain = [i for i, s in enumerate(parts) if is_plain(s, ctx.vocabulary)]
        if len(parts) < 2 or not plain:
            continue
        at = ctx.rng.choice(plain)
        after = with_paragraph(base, index, " ".join(parts[:at] + parts[at + 1 :]))
        note = f"Sentence {at + 1} of paragraph {index + 1} removed without notice"
        return made(base, after, {"removed"} | lede(index), note)
    return None
