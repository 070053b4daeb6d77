"""Change cards in the database: computed in the transaction that stores a version.

A version's card says what changed from the version before it (see
:mod:`redline.cards`). It is computed when the version is stored, and again when
either text is replaced (re-extraction) or the classifier changes (``reclassify``).
A classifier that fails must never cost the version: the version is stored without
a card, the failure is logged, and ``reclassify`` computes the missing card later.
Every function works inside the caller's transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterable, Sequence

from sqlalchemy import Select, delete, func, or_, select
from sqlalchemy.orm import Session, aliased

from ..cards import Classifier
from ..model import ChangeCard
from .rows import to_card, to_version
from .tables import ChangeCardKindRow, ChangeCardRow, VersionRow

__all__ = [
    "cards_by_version_id",
    "refresh_cards",
    "stale_card_versions",
    "store_card",
    "to_card",
]

log = logging.getLogger("redline")


def store_card(session: Session, classify: Classifier, version: VersionRow) -> ChangeCard | None:
    """Compute and store (or replace) the card of ``version``; None for a first version,
    or when the classifier failed (the card is then left missing, for ``reclassify``)."""
    session.flush()  # a version just added gets its id, and is compared with the others
    session.execute(delete(ChangeCardRow).where(ChangeCardRow.version_id == version.id))
    previous = _version_before(session, version)
    if previous is None:
        return None
    card = _classified(classify, previous, version, _revert_of(session, version))
    if card is not None:
        session.add(_card_row(version, card))
    return card


def refresh_cards(
    session: Session, classify: Classifier, article_id: int, numbers: Iterable[int]
) -> None:
    """Compute again the cards of the article's versions ``numbers`` (a text changed)."""
    rows = session.scalars(
        select(VersionRow).where(
            VersionRow.article_id == article_id, VersionRow.number.in_(set(numbers))
        )
    )
    for row in rows:
        store_card(session, classify, row)


def stale_card_versions(
    article_ids: Collection[int] | None, classifier_version: str | None
) -> Select[int]:
    """The ids of versions after the first whose card is missing or was made by a classifier
    other than ``classifier_version`` (every such version with None), oldest first."""
    query = (
        select(VersionRow.id)
        .outerjoin(ChangeCardRow, ChangeCardRow.version_id == VersionRow.id)
        .where(VersionRow.number > 0)
        .order_by(VersionRow.id)
    )
    if classifier_version is not None:
        query = query.where(
            or_(
                ChangeCardRow.version_id.is_(None),
                ChangeCardRow.classifier_version != classifier_version,
            )
        )
    if article_ids is not None:
        query = query.where(VersionRow.article_id.in_(article_ids))
    return query


def cards_by_version_id(session: Session, version_ids: Sequence[int]) -> dict[int, ChangeCard]:
    """The cards of these versions (those that have one), by version id."""
    query = select(ChangeCardRow).where(ChangeCardRow.version_id.in_(version_ids))
    return {row.version_id: to_card(row) for row in session.scalars(query)}


def _card_row(version: VersionRow, card: ChangeCard) -> ChangeCardRow:
    return ChangeCardRow(
        version_id=version.id,
        seen_at=version.seen_at,
        kinds=[kind.value for kind in card.kinds],
        significance=card.significance,
        summary=card.summary,
        reasons=list(card.reasons),
        sentences_added=card.sentences.added,
        sentences_deleted=card.sentences.deleted,
        sentences_edited=card.sentences.edited,
        sentences_moved=card.sentences.moved,
        words_changed=card.words_changed,
        numbers=[[number.old, number.new] for number in card.numbers],
        revert_of=card.revert_of,
        classifier_version=card.classifier_version,
        kind_rows=[ChangeCardKindRow(kind=kind.value) for kind in card.kinds],
    )


def _classified(
    classify: Classifier, previous: VersionRow, version: VersionRow, revert_of: int | None
) -> ChangeCard | None:
    """The card of the change from ``previous`` to ``version``; None if the classifier fails."""
    try:
        return classify(to_version(previous), to_version(version), revert_of=revert_of)
    except Exception:  # a classifier bug must not lose the version: reclassify retries
        log.exception(
            "no change card for version %d of article %d: the classifier failed",
            version.number,
            version.article_id,
        )
        return None


_EARLIER = aliased(VersionRow, name="earlier")


def _version_before(session: Session, version: VersionRow) -> VersionRow | None:
    if version.number == 0:
        return None
    return session.scalar(
        select(VersionRow).where(
            VersionRow.article_id == version.article_id, VersionRow.number == version.number - 1
        )
    )


def _revert_of(session: Session, version: VersionRow) -> int | None:
    """The first earlier version whose text ``version`` has again, if any.

    The first, not the latest: a text that comes back twice returns to where it began.
    The version just before does not count: having its text is no change, not a revert.
    """
    return session.scalar(
        select(func.min(_EARLIER.number)).where(
            _EARLIER.article_id == version.article_id,
            _EARLIER.content_hash == version.content_hash,
            _EARLIER.number < version.number - 1,
        )
    )
