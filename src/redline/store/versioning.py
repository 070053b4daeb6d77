"""Versions: what makes a checked text a new version, and re-extracted texts put in place.

The rules follow the ``[versions]`` policy (:class:`~redline.config.VersionPolicy`);
every function works inside the caller's transaction.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..config import VersionPolicy
from ..model import CheckOutcome, ExtractedArticle
from .tables import CheckRow, ReplacedTextRow, VersionRow

__all__ = ["article_hash", "content_hash", "held_back", "is_new_version", "replace_version_text"]


def content_hash(title: str, byline: str | None, paragraphs: Sequence[str]) -> str:
    """A digest of exactly what makes two versions the same text."""
    canonical = json.dumps([title, byline, list(paragraphs)], ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def is_new_version(
    session: Session, latest: VersionRow | None, article: ExtractedArticle, policy: VersionPolicy
) -> bool:
    """Whether ``article`` differs enough from what is stored to be a new version."""
    if latest is None:
        return True
    digest = article_hash(article)
    if digest == latest.content_hash:
        return False
    if policy.ignore_punctuation_only and _loose_text(article) == _loose_text(latest):
        return False
    if policy.ignore_seen_before and _seen_before(session, latest.article_id, digest):
        return _last_check_saw(session, latest.article_id, digest)
    return True


def _seen_before(session: Session, article_id: int, digest: str) -> bool:
    """Whether an earlier version of the article has this text."""
    earlier = select(VersionRow.id).where(
        VersionRow.article_id == article_id, VersionRow.content_hash == digest
    )
    return session.scalar(earlier.limit(1)) is not None


def _last_check_saw(session: Session, article_id: int, digest: str) -> bool:
    """Whether the article's latest check extracted this text too.

    A CMS cache flipping back to an earlier text (A → B → A) flips again by the next
    check; a text that is back on two checks in a row is a revert the newsroom made,
    and becomes a version (its card names the version it returns to), as a suspect
    shrink does once seen twice.
    """
    return _last_check(session, article_id) in (
        (CheckOutcome.UNCHANGED.value, digest),
        (CheckOutcome.SUSPECT.value, digest),
    )


def _last_check(session: Session, article_id: int) -> tuple[str, str | None] | None:
    """The outcome of the article's latest check, and the digest of the text it saw."""
    found = session.execute(
        select(CheckRow.outcome, CheckRow.content_hash)
        .where(CheckRow.article_id == article_id)
        .order_by(CheckRow.checked_at.desc(), CheckRow.id.desc())
        .limit(1)
    ).first()
    return None if found is None else (found[0], found[1])


def held_back(
    session: Session, latest: VersionRow | None, article: ExtractedArticle, policy: VersionPolicy
) -> str | None:
    """Why a new text is held back rather than made a version, if it is.

    A text under ``policy.suspect_shrink`` of the latest one's length is far
    more often a broken extraction (a redesign, an error page, a paywall) than
    an edit; it becomes a version only once the next check sees it again.
    """
    if latest is None or policy.suspect_shrink <= 0:
        return None
    before, after = _text_length(latest.paragraphs), _text_length(article.paragraphs)
    if after >= policy.suspect_shrink * before:
        return None
    if _last_check(session, latest.article_id) == (
        CheckOutcome.SUSPECT.value,
        article_hash(article),
    ):
        return None  # seen twice in a row: a real cut
    return (
        f"text shrank from {before} to {after} characters; held back until the next"
        " check sees it too"
    )


def _text_length(paragraphs: Sequence[str]) -> int:
    return sum(len(paragraph) for paragraph in paragraphs)


_NOT_WORDS = re.compile(r"[\W_]+")


def _loose_text(text: ExtractedArticle | VersionRow) -> str:
    """The words alone, lower-cased: what is left when whitespace and punctuation go."""
    parts = [text.title, text.byline or "", *text.paragraphs]
    return _NOT_WORDS.sub(" ", " ".join(parts)).strip().casefold()


def replace_version_text(
    session: Session, row: VersionRow, extracted: ExtractedArticle, now: datetime
) -> bool:
    """Put ``extracted`` in place of the version's text, keeping the old one; if it changed."""
    digest = article_hash(extracted)
    if digest == row.content_hash:
        row.extractor_version = extracted.extractor_version
        return False
    earlier = {name: getattr(row, name) for name in VersionRow.TEXT_COLUMNS}
    session.add(ReplacedTextRow(version_id=row.id, replaced_at=now, **earlier))
    row.title, row.byline, row.published = extracted.title, extracted.byline, extracted.published
    row.paragraphs, row.content_hash = list(extracted.paragraphs), digest
    row.extractor_version = extracted.extractor_version
    return True


def article_hash(article: ExtractedArticle) -> str:
    return content_hash(article.title, article.byline, article.paragraphs)
