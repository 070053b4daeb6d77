"""One change event for the tests of what tells of changes: messages, senders and images."""

from __future__ import annotations

from datetime import UTC, datetime

from redline.model import ChangeCard, ChangeKind, NumberChange, SentenceCounts
from redline.notify import ChangeEvent, Passage

CARD = ChangeCard(
    kinds=(ChangeKind.NUMBERS, ChangeKind.STEALTH),
    significance=0.6,
    summary="1 number changed (90% → 95%).",
    reasons=("a number changed",),
    sentences=SentenceCounts(edited=1),
    words_changed=0.02,
    numbers=(NumberChange("90%", "95%"),),
    revert_of=None,
    classifier_version="1",
)
EVENT = ChangeEvent(
    article_id=7,
    url="https://gazette.example/markets",
    source="gazette",
    title="Shares surge",
    version=3,
    seen_at=datetime(2026, 11, 1, 12, 0, tzinfo=UTC),
    card=CARD,
    passages=(Passage("Shares surged 90% this year.", "Shares surged 95% this year."),),
    diff_url="https://redline.example/articles/7/diff/2/3",
)
"""Version 3 of article 7: a figure changed from 90% to 95%, a stealth edit."""
