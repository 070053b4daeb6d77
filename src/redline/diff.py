"""Word-level diffs between two versions of an article, and their renderings.

A text is cut into tokens: words (letters and digits, with inner apostrophes as in
"country's"), single punctuation marks, runs of spaces, and paragraph breaks ("\n\n"). Each
distinct token is stood in for by one character, the way diff-match-patch's line mode maps
lines, so diff-match-patch diffs and cleans up whole tokens: a one-word fix shows as that word
deleted and its replacement inserted, an added paragraph as exactly that paragraph inserted.
Paragraphs are lined up first, the same way, and only runs of changed ones diffed by word.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import Literal
from urllib.parse import urlsplit

from diff_match_patch import diff_match_patch

from .model import Version
from .timefmt import format_time

__all__ = [
    "ArticleDiff",
    "DiffOp",
    "OpKind",
    "diff_versions",
    "render_html",
    "render_html_page",
    "render_text",
    "split_paragraphs",
    "word_diff",
]

OpKind = Literal["equal", "insert", "delete"]

_PARAGRAPH_BREAK = "\n\n"
"""What separates paragraphs in `Version.text`, and a token of its own in a diff."""


@dataclass(frozen=True)
class DiffOp:
    """One run of text that both versions share, or that only the new or the old one has."""

    op: OpKind
    text: str


@dataclass(frozen=True)
class ArticleDiff:
    """How one version of an article became another: headline and text diffed apart."""

    old_title: str
    new_title: str
    title: tuple[DiffOp, ...]
    body: tuple[DiffOp, ...]
    old_byline: str | None = None
    new_byline: str | None = None

    @property
    def title_changed(self) -> bool:
        """Whether the headline differs."""
        return _has_change(self.title)

    @property
    def byline_changed(self) -> bool:
        """Whether the byline differs."""
        return self.old_byline != self.new_byline

    @property
    def text_changed(self) -> bool:
        """Whether the article text differs."""
        return _has_change(self.body)

    @property
    def changed(self) -> bool:
        """Whether the headline, the byline or the text differs."""
        return self.title_changed or self.byline_changed or self.text_changed


def word_diff(old: str, new: str) -> tuple[DiffOp, ...]:
    """Diff two texts word by word; identical texts give one equal op, or none if empty.

    As diff-match-patch's line mode does with lines, paragraphs are lined up first and each
    run of changed paragraphs is then diffed word by word, which keeps long articles fast.
    A rewrite too thorough to diff within a fixed amount of work shows as the old text
    deleted and the new inserted; the same texts always give the same diff.
    """
    differ = _Differ(_DIFF_WORK)
    ops: list[DiffOp] = []
    paragraph_ops = differ.diff(_paragraph_tokens(old), _paragraph_tokens(new), cleanup=False)
    for unchanged, run in groupby(paragraph_ops, key=lambda op: op.op == "equal"):
        if unchanged:
            ops.extend(run)
        else:
            deleted, inserted = _sides(tuple(run))
            ops.extend(differ.diff(_word_tokens(deleted), _word_tokens(inserted), cleanup=True))
    return _merged(ops)


def diff_versions(old: Version, new: Version) -> ArticleDiff:
    """Diff two versions of one article; raises ValueError for versions of two articles."""
    if old.article_id != new.article_id:
        raise ValueError(
            f"cannot diff versions of two articles ({old.article_id} and {new.article_id})"
        )
    return ArticleDiff(
        old_title=old.title,
        new_title=new.title,
        title=word_diff(old.title, new.title),
        body=word_diff(old.text, new.text),
        old_byline=old.byline,
        new_byline=new.byline,
    )


def render_html(
    diff: ArticleDiff, *, inline_styles: bool = False, context: int | None = None
) -> str:
    """The diff as an HTML fragment: the headline in an <h2>, then one <p> per paragraph.

    Changed runs are wrapped in <ins> and <del>, with classes ("redline-insert",
    "redline-delete") or, for feed readers that drop stylesheets, with `inline_styles`.
    A paragraph break that alone was added or removed shows as a pilcrow (¶). All article
    text is escaped. A changed byline shows below the headline. With `context` set, only
    paragraphs with a change and `context` paragraphs either side are shown, each left-out
    run as a "…" paragraph, or a note that the text did not change.
    """
    attributes = _INLINE_STYLES if inline_styles else _CLASSES
    title = "".join(_html_run(op, attributes) for op in diff.title)
    lines = ['<div class="redline-diff">', f'<h2 class="redline-title">{title}</h2>']
    if diff.byline_changed:
        byline = "".join(_html_run(op, attributes) for op in _byline_ops(diff))
        lines.append(f'<p class="redline-byline">By {byline}</p>')
    if diff.text_changed or context is None:
        for paragraph in _shown_paragraphs(diff.body, context):
            lines.append(_html_paragraph(paragraph, attributes))
    else:
        lines.append(f'<p class="redline-note">{_TEXT_UNCHANGED}</p>')
    lines.append("</div>")
    return "\n".join(lines)


def render_html_page(diff: ArticleDiff, old: Version, new: Version, *, url: str) -> str:
    """The diff from version `old` to version `new` of the article at `url` as a whole
    HTML5 document: UTF-8 declared, its own styles inline, so it reads right opened from
    a file. All article text is escaped, and `url` is a link only if it is http(s)."""
    headline = html.escape(new.title or url)
    source = html.escape(url)
    if urlsplit(url).scheme.lower() in ("http", "https"):
        source = f'<a href="{html.escape(url, quote=True)}">{source}</a>'
    seen = f"version {old.number} (seen {format_time(old.seen_at)}) to version {new.number}"
    return "\n".join(
        [
            "<!doctype html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>Changes to {headline}: version {old.number} → {new.number}</title>",
            f"<style>{_PAGE_STYLES}</style>",
            "</head>",
            "<body>",
            f'<p class="redline-about">What changed from {seen} (seen'
            f" {format_time(new.seen_at)}) of {source}</p>",
            render_html(diff),
            "</body>",
            "</html>",
        ]
    )


def render_text(diff: ArticleDiff, *, color: bool, context: int | None = 1) -> str:
    """The diff for a terminal: "Title: ..." first, then the paragraphs, a blank line apart.

    Deleted runs are marked `[-deleted-]` and inserted runs `{+inserted+}`, as in
    `git diff --word-diff`; with `color` they are red and green too (ANSI escapes): colour
    helps, and the marks survive copying and need no telling colours apart. Long unchanged
    stretches are shortened: only paragraphs with a change and `context` paragraphs either
    side are shown, each left-out run as a "…" line (`context=None` shows every paragraph).
    Control characters in article text are replaced, so a page cannot drive the terminal.
    """
    marks = _ANSI_COLOURS if color else _WORD_DIFF_MARKERS
    lines = ["Title: " + "".join(_text_run(op, marks) for op in diff.title)]
    if diff.byline_changed:
        lines.append("Byline: " + "".join(_text_run(op, marks) for op in _byline_ops(diff)))
    if not diff.text_changed and context is not None:
        return "\n\n".join([*lines, _TEXT_UNCHANGED])
    for paragraph in _shown_paragraphs(diff.body, context):
        lines.append(
            "…" if paragraph is None else "".join(_text_run(op, marks) for op in paragraph)
        )
    return "\n\n".join(lines)


# --- tokens and diff-match-patch ------------------------------------------------------------

_WORD_TOKEN = re.compile(r"\n\n|\w+(?:['’]\w+)*|[^\S\n]+|\n|[^\w\s]")
_PARAGRAPH_TOKEN = re.compile(r"\n\n|(?:[^\n]|\n(?!\n))+")

_OP_KINDS: Mapping[int, OpKind] = {-1: "delete", 0: "equal", 1: "insert"}

_PRIVATE_PLANES_START = 0xF0000  # planes 15 and 16 are private use: no text uses them
_PRIVATE_PLANES_SIZE = 0x110000 - _PRIVATE_PLANES_START
_SURROGATES_START = 0xD800
_SURROGATES_SIZE = 0x800

_DIFF_WORK = 2_000_000
"""How many diagonals diff-match-patch may explore over one diff: about a second of work."""


def _word_tokens(text: str) -> list[str]:
    """The words, punctuation marks, spaces and paragraph breaks of `text`, in order."""
    return _WORD_TOKEN.findall(text)


def _paragraph_tokens(text: str) -> list[str]:
    """The paragraphs and paragraph breaks of `text`, in order."""
    return _PARAGRAPH_TOKEN.findall(text)


def _sides(ops: Sequence[DiffOp]) -> tuple[str, str]:
    """The old and the new text of a run of changes."""
    deleted = "".join(op.text for op in ops if op.op == "delete")
    inserted = "".join(op.text for op in ops if op.op == "insert")
    return deleted, inserted


def _token_char(index: int) -> str:
    """The character standing in for the `index`-th distinct token.

    The private-use planes come first (131,072 tokens); beyond them every other code point
    except the surrogates, which are not characters.
    """
    if index < _PRIVATE_PLANES_SIZE:
        return chr(_PRIVATE_PLANES_START + index)
    code_point = index - _PRIVATE_PLANES_SIZE
    if code_point >= _SURROGATES_START:
        code_point += _SURROGATES_SIZE
    if code_point >= _PRIVATE_PLANES_START:
        raise ValueError("too many distinct words to diff")
    return chr(code_point)


class _TokenCodec:
    """Maps each distinct token to one character and back, across both texts of a diff."""

    def __init__(self) -> None:
        self._char_of: dict[str, str] = {}
        self._token_of: dict[str, str] = {}

    def encode(self, tokens: Iterable[str]) -> str:
        """The tokens as a string of their characters."""
        return "".join(self._char(token) for token in tokens)

    def decode(self, chars: str) -> str:
        """The text whose tokens the characters stand for."""
        return "".join(self._token_of[char] for char in chars)

    def _char(self, token: str) -> str:
        char = self._char_of.get(token)
        if char is None:
            char = _token_char(len(self._char_of))
            self._char_of[token] = char
            self._token_of[char] = token
        return char


class _WorkBudget:
    """How much searching diff-match-patch may still do: its deadline, counted in work.

    diff-match-patch asks `time.time() > deadline` before each step of a bisection, and once
    past the deadline gives up on that part of the diff. A clock deadline would make a diff,
    and so a feed, depend on how busy the machine was; this one depends only on the texts.
    """

    def __init__(self, work: int) -> None:
        self._work_left = work
        self._step = 0

    def start_bisection(self) -> None:
        """Note that a bisection starts, at step 0."""
        self._step = 0

    def __lt__(self, now: float) -> bool:
        """Answers `now > deadline` before a step: step d explores about 2d diagonals."""
        self._work_left -= 2 * self._step
        self._step += 1
        return self._work_left < 0


class _Differ(diff_match_patch):  # type: ignore[misc]  # diff_match_patch has no types
    """diff-match-patch diffing token lists, within a work budget instead of a time limit."""

    def __init__(self, work: int) -> None:
        super().__init__()
        self._budget = _WorkBudget(work)

    def diff(self, old: Sequence[str], new: Sequence[str], *, cleanup: bool) -> list[DiffOp]:
        """The tokens diffed, one op per run; with `cleanup`, cleaned up for people to read.

        The cleanup runs on the encoded tokens, so it moves and merges whole tokens only; on
        the decoded text it would split words again ("said" -> "says" into "sa" + edits).
        Paragraphs are lined up without it, as it would merge runs of changed paragraphs
        across the unchanged paragraph breaks between them.
        """
        codec = _TokenCodec()
        old_chars, new_chars = codec.encode(old), codec.encode(new)
        diffs: list[tuple[int, str]] = self.diff_main(old_chars, new_chars, False)
        if cleanup:
            self.diff_cleanupSemantic(diffs)
        return [DiffOp(_OP_KINDS[code], codec.decode(chars)) for code, chars in diffs]

    def diff_bisect(self, text1: str, text2: str, deadline: object) -> list[tuple[int, str]]:
        """diff-match-patch's bisection, timed by the work budget rather than `deadline`."""
        self._budget.start_bisection()
        diffs: list[tuple[int, str]] = super().diff_bisect(text1, text2, self._budget)
        return diffs


def _byline_ops(diff: ArticleDiff) -> tuple[DiffOp, ...]:
    """The byline diffed word by word; a missing byline counts as empty."""
    return word_diff(diff.old_byline or "", diff.new_byline or "")


def _merged(ops: Iterable[DiffOp]) -> tuple[DiffOp, ...]:
    """The ops with empty ones dropped and neighbours of the same kind joined."""
    merged: list[DiffOp] = []
    for op in ops:
        if not op.text:
            continue
        if merged and merged[-1].op == op.op:
            merged[-1] = DiffOp(op.op, merged[-1].text + op.text)
        else:
            merged.append(op)
    return tuple(merged)


def _has_change(ops: Iterable[DiffOp]) -> bool:
    """Whether any op inserts or deletes."""
    return any(op.op != "equal" for op in ops)


# --- paragraphs -------------------------------------------------------------------------

_PILCROW = "¶"
_TEXT_UNCHANGED = "(The text of the article did not change.)"

_Paragraph = tuple[DiffOp, ...]


def split_paragraphs(ops: Sequence[DiffOp]) -> list[_Paragraph]:
    """The ops cut at every paragraph break, in either version, into paragraphs of runs.

    A change that is nothing but paragraph breaks (two paragraphs joined or one split)
    keeps a pilcrow, so it stays visible.
    """
    paragraphs: list[list[DiffOp]] = [[]]
    for op in ops:
        pieces = op.text.split(_PARAGRAPH_BREAK)
        if op.op != "equal" and len(pieces) > 1 and not op.text.strip():
            pieces[0] += _PILCROW
        for index, piece in enumerate(pieces):
            if index:
                paragraphs.append([])
            if piece:
                paragraphs[-1].append(DiffOp(op.op, piece))
    return [tuple(paragraph) for paragraph in paragraphs if paragraph]


def _shown_paragraphs(ops: Sequence[DiffOp], context: int | None) -> list[_Paragraph | None]:
    """The paragraphs to show; None stands for a run of unchanged ones left out.

    With `context` None every paragraph is shown, else those with a change and `context`
    paragraphs either side of them.
    """
    paragraphs = split_paragraphs(ops)
    if context is None:
        return list(paragraphs)
    changed = [index for index, paragraph in enumerate(paragraphs) if _has_change(paragraph)]
    kept = {near for index in changed for near in range(index - context, index + context + 1)}
    shown: list[_Paragraph | None] = []
    for index, paragraph in enumerate(paragraphs):
        if index in kept:
            shown.append(paragraph)
        elif not shown or shown[-1] is not None:
            shown.append(None)
    return shown


# --- rendering ------------------------------------------------------------------------------

_HTML_TAGS: Mapping[OpKind, str] = {"insert": "ins", "delete": "del"}

_CLASSES: Mapping[OpKind, str] = {
    "insert": ' class="redline-insert"',
    "delete": ' class="redline-delete"',
}

_INSERTED = "background:#e6ffe6;color:#006100;text-decoration:none"
_DELETED = "background:#ffe6e6;color:#b30000;text-decoration:line-through"
"""How inserted and deleted runs look: the web archive's colours (redline.css)."""

_INLINE_STYLES: Mapping[OpKind, str] = {
    "insert": f' style="{_INSERTED}"',
    "delete": f' style="{_DELETED}"',
}

_PAGE_STYLES = (
    "body{max-width:44rem;margin:2rem auto;padding:0 1rem;"
    "font:1.05rem/1.6 Georgia,'Times New Roman',serif;color:#1d1d1f;background:#fff}"
    ".redline-about{font-family:system-ui,sans-serif;font-size:.9rem;color:#5f6368}"
    f".redline-insert{{{_INSERTED}}}.redline-delete{{{_DELETED}}}"
    "ins,del{border-radius:2px;padding:0 1px}"
    ".redline-gap,.redline-note{color:#5f6368}"
)
"""A diff page's stylesheet, inline so a page saved to a file needs nothing else."""

_WORD_DIFF_MARKERS: Mapping[OpKind, tuple[str, str]] = {
    "insert": ("{+", "+}"),
    "delete": ("[-", "-]"),
}

_ANSI_COLOURS: Mapping[OpKind, tuple[str, str]] = {
    "insert": ("\x1b[32m{+", "+}\x1b[0m"),
    "delete": ("\x1b[31m[-", "-]\x1b[0m"),
}
"""The word-diff markers, in green and red."""

_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _html_run(op: DiffOp, attributes: Mapping[OpKind, str]) -> str:
    """One run as escaped HTML, inside <ins> or <del> if it changed."""
    text = html.escape(op.text)
    if op.op == "equal":
        return text
    tag = _HTML_TAGS[op.op]
    return f"<{tag}{attributes[op.op]}>{text}</{tag}>"


def _html_paragraph(paragraph: _Paragraph | None, attributes: Mapping[OpKind, str]) -> str:
    """One paragraph of runs as a <p>; None (left-out paragraphs) as a gap marker."""
    if paragraph is None:
        return '<p class="redline-gap">…</p>'
    return "<p>" + "".join(_html_run(op, attributes) for op in paragraph) + "</p>"


def _text_run(op: DiffOp, marks: Mapping[OpKind, tuple[str, str]]) -> str:
    """One run as terminal text, between `marks` if it changed."""
    text = _CONTROL_CHARACTERS.sub("\N{REPLACEMENT CHARACTER}", op.text)
    if op.op == "equal":
        return text
    start, end = marks[op.op]
    return f"{start}{text}{end}"
