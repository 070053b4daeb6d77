"""Run the current extractor again over the pages in the raw archive.

Each version keeps the response it was extracted from. Extracting it again,
with today's extractor and ``[[sites]]`` rules, repairs a text an older
extractor got wrong; the replaced text is kept (``replaced_texts``), and the
version keeps its number and time, so no history is lost and no new version is
made. A check does the same for the latest version alone when its extractor
differs from the check's (see :mod:`redline.checking`), so an extractor upgrade
re-baselines an article quietly instead of showing the upgrade as an edit.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from ._charset import charset_param, decode_html
from .config import SiteRule
from .errors import ExtractionError
from .extract import ExtractedArticle, extract_article
from .model import Article, Capture
from .store import Store
from .workers import ExtractionPool

__all__ = [
    "Extraction",
    "ReextractResult",
    "capture_html",
    "extract_captures",
    "reextract_capture",
    "store_reextraction",
]

log = logging.getLogger("redline")


@dataclass(frozen=True)
class ReextractResult:
    """What re-extracting one article's archived pages did."""

    article_id: int
    url: str
    archived: int
    """Versions with an archived page, all extracted again."""
    repaired: tuple[int, ...]
    """Numbers of the versions whose text changed."""
    failed: tuple[tuple[int, str], ...]
    """Versions whose page the current extractor finds no article in, and why; left as they were."""
    unarchived: int
    """Versions stored before the raw archive existed: nothing to extract them from."""
    redundant: tuple[int, ...] = ()
    """Versions whose text now reads as the version before: their change came from extraction.

    They stay (renumbering would break every link and feed GUID to later versions);
    their diff shows no change.
    """


def capture_html(capture: Capture) -> str:
    """The archived body decoded as the check that fetched it decoded it."""
    return decode_html(capture.body, charset_param(capture.header("content-type")))[0]


def reextract_capture(capture: Capture, rules: Sequence[SiteRule]) -> ExtractedArticle:
    """Extract the article from an archived page with the current extractor."""
    return extract_article(capture_html(capture), capture.url, rules=rules)


Extraction = ExtractedArticle | ExtractionError
"""A page's article, or why it holds none."""


def extract_captures(
    captures: Sequence[Capture], rules: Sequence[SiteRule], pool: ExtractionPool
) -> list[Extraction]:
    """Extract every page again, in order; on ``pool``'s worker processes once started."""
    rules = tuple(rules)
    return pool.map([functools.partial(_extract_or_error, page, rules) for page in captures])


def _extract_or_error(capture: Capture, rules: Sequence[SiteRule]) -> Extraction:
    try:
        return reextract_capture(capture, rules)
    except ExtractionError as exc:
        return exc
    except Exception as exc:  # a bug on one odd page must not end the whole run
        log.exception("re-extracting %s failed", capture.url)
        return ExtractionError(f"extraction failed: {type(exc).__name__}: {exc}")


def store_reextraction(
    store: Store,
    article: Article,
    captures: Sequence[Capture],
    extractions: Sequence[Extraction],
    now: datetime,
) -> ReextractResult:
    """Give each of the article's versions the text its page now extracts to, where it differs."""
    repaired: list[int] = []
    failed: list[tuple[int, str]] = []
    for capture, extracted in zip(captures, extractions, strict=True):
        if isinstance(extracted, ExtractionError):
            failed.append((capture.version, str(extracted)))
        elif store.replace_text(article.id, capture.version, extracted, now):
            repaired.append(capture.version)
    versions, touched = store.versions(article.id), set(repaired)
    redundant = [
        after.number
        for before, after in zip(versions, versions[1:], strict=False)
        if after.content_hash == before.content_hash and {before.number, after.number} & touched
    ]
    return ReextractResult(
        article_id=article.id,
        url=article.url,
        archived=len(captures),
        repaired=tuple(repaired),
        failed=tuple(failed),
        unarchived=article.version_count - len(captures),
        redundant=tuple(redundant),
    )
