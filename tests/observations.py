"""What store tests record: texts as a check extracts them, the checks that saw them, a plan."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from redline.extract import EXTRACTOR_VERSION, ExtractedArticle
from redline.model import ArticleStatus, NextCheck, Observation

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def content(
    *paragraphs: str, title: str = "Headline", byline: str | None = "Jo Bloggs"
) -> ExtractedArticle:
    return ExtractedArticle(
        title, byline, None, paragraphs, method="generic", extractor_version=EXTRACTOR_VERSION
    )


def seen(at: datetime, body: ExtractedArticle | None = None, **facts: Any) -> Observation:
    version = "test" if body is not None else None
    return Observation(
        checked_at=at,
        duration=0.1,
        http_status=200,
        article=body,
        extractor_version=version,
        **facts,
    )


def every_hour(changed: bool, previous: timedelta | None) -> NextCheck:
    return NextCheck(T0 + timedelta(hours=1), timedelta(hours=1), ArticleStatus.ACTIVE)
