"""The shapes of the archive's contents: articles, versions, changes, search hits, diffs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import get_args

from ..diff import ArticleDiff, DiffOp, OpKind
from ..model import Article, ArticleStatus, CheckOutcome, CheckRecord, Version
from ..store.queries import Change, SearchHit, VersionInfo
from ._model import Shape, choice, integer, many, number, one, string, strings, time

__all__ = [
    "ARTICLE",
    "ARTICLE_DETAIL",
    "CHANGE",
    "CHECK_RECORD",
    "DIFF",
    "SEARCH_HIT",
    "VERSION",
    "VERSION_INFO",
    "ArticleDetail",
    "VersionDiff",
]


@dataclass(frozen=True)
class ArticleDetail:
    """An article with its versions and its latest checks: what ``redline show`` tells."""

    article: Article
    versions: Sequence[Version]
    checks: Sequence[CheckRecord]


@dataclass(frozen=True)
class VersionDiff:
    """The diff from version number ``old`` of an article to version ``new``."""

    diff: ArticleDiff
    old: int
    new: int


ARTICLE = Shape[Article](
    "Article",
    "A tracked article: `redline list --json`, and the API's articles.",
    [
        integer("id", lambda a: a.id),
        string("url", lambda a: a.url),
        string("final_url", lambda a: a.final_url, nullable=True),
        string("source", lambda a: a.source, nullable=True),
        string("title", lambda a: a.title, nullable=True),
        integer("version_count", lambda a: a.version_count),
        time("first_seen", lambda a: a.first_seen),
        time("last_checked", lambda a: a.last_checked, nullable=True),
        time("last_changed", lambda a: a.last_changed, nullable=True),
        time("next_check", lambda a: a.next_check, nullable=True),
        choice("status", lambda a: a.status, ArticleStatus),
    ],
)

VERSION_INFO = Shape[VersionInfo | Version](
    "VersionInfo",
    "A version without its text.",
    [
        integer("number", lambda v: v.number),
        time("seen_at", lambda v: v.seen_at),
        string("title", lambda v: v.title),
        string("content_hash", lambda v: v.content_hash),
    ],
)

VERSION = Shape[Version](
    "Version",
    "A version with its text, a paragraph an item.",
    [
        *VERSION_INFO.fields,
        integer("article_id", lambda v: v.article_id),
        string("byline", lambda v: v.byline, nullable=True),
        strings("paragraphs", lambda v: v.paragraphs),
        string("extractor_version", lambda v: v.extractor_version),
    ],
)

CHECK_RECORD = Shape[CheckRecord](
    "CheckRecord",
    "One check of an article, as its check log keeps it.",
    [
        time("checked_at", lambda c: c.checked_at),
        choice("outcome", lambda c: c.outcome, CheckOutcome),
        integer("http_status", lambda c: c.http_status, nullable=True),
        string("error", lambda c: c.error, nullable=True),
        number("duration", lambda c: round(c.duration, 3)),
        integer("bytes", lambda c: c.bytes),
        integer("version", lambda c: c.version, nullable=True),
    ],
)

ARTICLE_DETAIL = Shape[ArticleDetail](
    "ArticleDetail",
    "An article with its versions and recent checks: `redline show --json`.",
    [
        *ARTICLE.through(ArticleDetail, lambda d: d.article),
        many(
            "versions",
            lambda d: d.versions,
            VERSION_INFO.select(
                "VersionSeen",
                "A version's number, time and headline.",
                "number",
                "seen_at",
                "title",
            ),
        ),
        many("recent_checks", lambda d: d.checks, CHECK_RECORD),
    ],
)

CHANGE = Shape[Change](
    "Change",
    "A new version of an article, with the version it replaced.",
    [
        integer("version_id", lambda c: c.new_id),
        integer("article_id", lambda c: c.article_id),
        string("url", lambda c: c.article_url),
        string("source", lambda c: c.source, nullable=True),
        one("from", lambda c: c.old, VERSION_INFO),
        one("to", lambda c: c.new, VERSION_INFO),
    ],
)

SEARCH_HIT = Shape[SearchHit](
    "SearchHit",
    "A version holding every word searched for.",
    [
        integer("version_id", lambda h: h.version_id),
        integer("article_id", lambda h: h.version.article_id),
        string("url", lambda h: h.article_url),
        string("source", lambda h: h.source, nullable=True),
        one("version", lambda h: h.version, VERSION_INFO),
    ],
)

_DIFF_OP = Shape[DiffOp](
    "DiffOp",
    "A run of text both versions share, or only the new or only the old one has.",
    [choice("op", lambda o: o.op, get_args(OpKind)), string("text", lambda o: o.text)],
)

_TITLES = Shape[ArticleDiff](
    "Headlines",
    "The old and the new headline.",
    [string("old", lambda d: d.old_title), string("new", lambda d: d.new_title)],
)

_BYLINES = Shape[ArticleDiff](
    "Bylines",
    "The old and the new byline; null where a version has none.",
    [
        string("old", lambda d: d.old_byline, nullable=True),
        string("new", lambda d: d.new_byline, nullable=True),
    ],
)

DIFF = Shape[VersionDiff](
    "Diff",
    "The word diff from version `from` to version `to`: `redline diff --format json`.",
    [
        integer("from", lambda d: d.old),
        integer("to", lambda d: d.new),
        one("title", lambda d: d.diff, _TITLES),
        one("byline", lambda d: d.diff, _BYLINES),
        many("ops", lambda d: d.diff.body, _DIFF_OP),
    ],
)
