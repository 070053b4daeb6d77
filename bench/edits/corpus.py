"""The real articles the edits are made of, and the labelled example one edit becomes.

Articles come from the WCXB ground truth in ``../shared/datasets`` (CC-BY-4.0, see
``README.md``): each page's title, author and ``body``. An article's *base* is its first
prose paragraphs (at least five, about 220 words or more); its *extra* paragraphs are
the prose that follows, the material a later version adds.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from textkit import Text, is_notice, squash

DATASETS = ("wcxb-news", "wcxb-more")
PUBLISHERS = frozenset({"news", "newsroom", "magazine"})
BASE_WORDS = 220
BASE_PARAGRAPHS = 5
MAX_BASE_PARAGRAPHS = 10


@dataclass(frozen=True)
class Source:
    dataset: str
    page: str
    url: str

    def to_json(self) -> dict[str, str]:
        return {"dataset": self.dataset, "page": self.page, "url": self.url}


@dataclass(frozen=True)
class Article:
    source: Source
    category: str
    title: str
    byline: str | None
    prose: tuple[str, ...]
    """Every prose paragraph of the body, in order, whitespace squashed."""

    @property
    def key(self) -> str:
        return f"{self.source.dataset}/{self.source.page}"

    @property
    def base_size(self) -> int:
        words = 0
        for count, paragraph in enumerate(self.prose, start=1):
            words += len(paragraph.split())
            if (words >= BASE_WORDS and count >= BASE_PARAGRAPHS) or count == MAX_BASE_PARAGRAPHS:
                return count
        return len(self.prose)

    @property
    def base(self) -> Text:
        return Text(self.title, self.byline, self.prose[: self.base_size])

    @property
    def extra(self) -> tuple[str, ...]:
        return self.prose[self.base_size :]

    def window(self, start: int, stop: int) -> Text:
        return Text(self.title, self.byline, self.prose[start:stop])


@dataclass(frozen=True)
class Example:
    """One labelled pair of versions."""

    id: str
    kinds: tuple[str, ...]
    note: str
    made: str
    """``generated`` (by a pattern of ``patterns.py``) or ``hand`` (``hand.toml``)."""
    source: Source
    before: Text
    after: Text
    revert_of: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kinds": list(self.kinds),
            "note": self.note,
            "made": self.made,
            "source": self.source.to_json(),
            "revert_of": self.revert_of,
            "before": self.before.to_json(),
            "after": self.after.to_json(),
        }


def is_prose(paragraph: str) -> bool:
    """A paragraph of running text: not a heading, list item, caption or link line."""
    words = paragraph.split()
    return (
        12 <= len(words) <= 110
        and paragraph[-1] in '.?!"”’'
        and "http" not in paragraph
        and "www." not in paragraph
        and paragraph[0] not in "-•*([#"
    )


def article_of(row: dict[str, Any], dataset: str) -> Article | None:
    prose = tuple(
        squash(block) for block in (row.get("body") or "").split("\n\n") if is_prose(squash(block))
    )
    author = row.get("author")
    byline = squash(author).removeprefix("By ") if author else None
    article = Article(
        Source(dataset, row["id"], row["url"]),
        row.get("category", ""),
        squash(row["title"]),
        byline,
        prose,
    )
    usable = (
        article.base_size >= BASE_PARAGRAPHS
        and len(" ".join(article.base.paragraphs)) > 900
        and not any(is_notice(paragraph) for paragraph in prose)  # notices are the edits' own
        and not any("â" in paragraph or "Ã" in paragraph for paragraph in prose)  # mojibake
    )
    return article if usable and len(article.extra) >= 2 else None


def load_articles(datasets: Path) -> Iterator[Article]:
    for dataset in DATASETS:
        with (datasets / dataset / "ground-truth.jsonl").open(encoding="utf-8") as lines:
            for line in lines:
                article = article_of(json.loads(line), dataset)
                if article is not None:
                    yield article
