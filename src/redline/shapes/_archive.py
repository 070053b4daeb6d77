"""The shapes of the archive's contents: articles, versions, changes, search hits, diffs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as data_field
from datetime import datetime

from ..diff import ArticleDiff, DiffOp
from ..model import (
    Article,
    ChangeCard,
    ChangeKind,
    CheckRecord,
    NumberChange,
    SentenceCounts,
    Version,
)
from ..store.queries import Change, SearchHit, VersionInfo
from ._model import Shape, field, many, one, shape

__all__ = [
    "ARTICLE",
    "ARTICLE_DETAIL",
    "ArticleDetail",
    "CHANGE",
    "CHANGE_CARD",
    "CHANGE_LISTED",
    "CHECK_RECORD",
    "DIFF",
    "SEARCH_HIT",
    "VERSION",
    "VERSION_INFO",
    "VersionDiff",
]


@dataclass(frozen=True)
class ArticleDetail:
    """An article with its versions and its latest checks: what ``redline show`` tells."""

    article: Article
    versions: Sequence[Version]
    checks: Sequence[CheckRecord]
    cards: Mapping[int, ChangeCard] = data_field(default_factory=dict)
    """The versions' change cards, by version number."""

    def versions_seen(self) -> list[VersionInfo]:
        """The versions without their text, each with its change card."""
        return [
            VersionInfo(
                version.article_id,
                version.number,
                version.seen_at,
                version.title,
                version.content_hash,
                self.cards.get(version.number),
            )
            for version in self.versions
        ]


@dataclass(frozen=True)
class VersionDiff:
    """The diff from version number ``old`` of an article to version ``new``."""

    diff: ArticleDiff
    old: int
    new: int
    card: ChangeCard | None = None
    """What changed: the stored card of ``new`` when it follows ``old``, else one computed
    for the two; None where the classifier failed."""


ARTICLE = shape(
    Article,
    "id url final_url canonical_url source title version_count first_seen last_checked",
    "last_changed next_check status",
    description="A tracked article: `redline list --json`, and the API's articles.",
)

VERSION_INFO: Shape[VersionInfo | Version] = shape(VersionInfo, "number seen_at title content_hash")

CHANGE_CARD = shape(
    ChangeCard,
    "kinds significance summary reasons",
    one(
        "sentences",
        lambda card: card.sentences,
        shape(SentenceCounts, "added deleted edited moved"),
    ),
    many("numbers", lambda card: card.numbers, shape(NumberChange, "old new")),
    "revert_of",
    description="What one change is (its kinds), how much it matters (significance, 0 to 1)"
    " and why (reasons), in one sentence (summary).",
)

VERSION = shape(
    Version,
    VERSION_INFO.fields,
    "article_id byline paragraphs extractor_version",
    description="A version with its text, a paragraph an item.",
)

CHECK_RECORD = shape(
    CheckRecord,
    "checked_at outcome http_status error error_kind decided_by",
    field("duration", float, lambda check: round(check.duration, 3)),
    "bytes version",
)

ARTICLE_DETAIL = shape(
    ArticleDetail,
    ARTICLE.through(ArticleDetail, lambda detail: detail.article),
    many(
        "versions",
        lambda detail: detail.versions_seen(),
        shape(
            VersionInfo,
            "number seen_at title",
            one("change", lambda info: info.change, CHANGE_CARD, nullable=True),
            name="VersionSeen",
            description="A version's number, time and headline, and what changed from the"
            " version before (null for version 0).",
        ),
    ),
    many("recent_checks", lambda detail: detail.checks, CHECK_RECORD),
)

CHANGE = shape(
    Change,
    "version_id=new_id article_id url=article_url source",
    one("from", lambda change: change.old, VERSION_INFO),
    one("to", lambda change: change.new, VERSION_INFO),
    one("change", lambda change: change.card, CHANGE_CARD, nullable=True),
)

CHANGE_LISTED = shape(
    Change,
    "article_id url=article_url source",
    field("title", str, lambda change: change.new.title),
    field("version", int, lambda change: change.new.number),
    field("seen_at", datetime, lambda change: change.new.seen_at),
    field("kinds", tuple[ChangeKind, ...], lambda change: change.card.kinds if change.card else ()),
    field("significance", float | None, lambda change: change.card and change.card.significance),
    field("summary", str | None, lambda change: change.card and change.card.summary),
    name="ChangeListed",
    description="A change across the archive with what it is: `redline changes --json`."
    " A change whose card is not computed yet has no kinds and null significance and summary.",
)

SEARCH_HIT = shape(
    SearchHit,
    "version_id",
    field("article_id", int, lambda hit: hit.version.article_id),
    "url=article_url source",
    one("version", lambda hit: hit.version, VERSION_INFO),
)

_HEADLINES = shape(
    ArticleDiff,
    "old=old_title new=new_title",
    name="Headlines",
    description="The old and the new headline.",
)
_BYLINES = shape(
    ArticleDiff,
    "old=old_byline new=new_byline",
    name="Bylines",
    description="The old and the new byline; null where a version has none.",
)

DIFF = shape(
    VersionDiff,
    "from=old to=new",
    one("title", lambda numbered: numbered.diff, _HEADLINES),
    one("byline", lambda numbered: numbered.diff, _BYLINES),
    many("ops", lambda numbered: numbered.diff.body, shape(DiffOp, "op text")),
    one("change", lambda numbered: numbered.card, CHANGE_CARD, nullable=True),
    name="Diff",
    description="The word diff from version `from` to version `to`: `redline diff --format json`.",
)
