"""The archive: articles, their versions and the log of every check."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy import Engine, case, func, or_, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from ..cards import Classifier, classify_change
from ..config import VersionPolicy
from ..errors import NotFoundError, StoreError
from ..model import (
    Article,
    ArticleStatus,
    ChangeCard,
    CheckOutcome,
    CheckPath,
    CheckRecord,
    CheckResult,
    ExtractedArticle,
    NextCheck,
    Observation,
    Outlook,
    Version,
)
from .archive import add_capture, body_ids, delete_unused_bodies
from .cards import (
    refresh_cards,
    stale_card_versions,
    store_card,
    to_card,
)
from .database import SchemaChange, open_engine, upgrade
from .health import SourceHealth, source_health
from .leases import take_rows
from .outbox import Matcher, queue_deliveries
from .rows import article_query, checks_query, to_article, to_check, to_version
from .tables import (
    ARTICLE_NAMES,
    URL_LENGTH,
    ArticleRow,
    ChangeCardRow,
    CheckRow,
    VersionRow,
    new_article_values,
)
from .versioning import article_hash, content_hash, held_back, is_new_version, replace_version_text

__all__ = ["Planner", "Store", "content_hash"]


DEFAULT_POLICY = VersionPolicy()

_RECLASSIFY_BATCH = 200
"""Versions whose cards are computed again in one transaction."""

Planner = Callable[[bool, timedelta | None], NextCheck]
"""Given whether a check found a new version and the previous interval, plan the next."""


class Store:
    """Typed access to the database; every method is one transaction."""

    def __init__(
        self, engine: Engine, *, created: bool = False, classify: Classifier = classify_change
    ) -> None:
        self.engine = engine
        self.created = created
        """Whether opening the database created its schema: it is a new, empty archive."""
        self.classify = classify
        """What computes the change card of each version stored (see store/cards.py)."""
        self.match: Matcher | None = None
        """Which ``[[notify]]`` rules tell of each version stored: a delivery of it is queued
        for each, in the same transaction (see store/outbox.py). None: no rules."""
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def open(cls, url: str, *, classify: Classifier = classify_change) -> Store:
        """Open the database at a SQLAlchemy ``url``, creating or upgrading its schema."""
        engine = open_engine(url)
        try:
            change = upgrade(engine)
        except StoreError:
            engine.dispose()
            raise
        return cls(engine, created=change is SchemaChange.CREATED, classify=classify)

    def close(self) -> None:
        self.engine.dispose()

    def add_article(self, url: str, *, source: str | None, now: datetime) -> tuple[Article, bool]:
        """Track ``url`` (already canonical); return the article and whether it is new.

        An article already known by ``url`` (see :meth:`article_by_url`) is not added again.
        """
        try:
            with self._sessions.begin() as session:
                existing = _known_as(session, url)
                if existing is not None:
                    return self._article(session, existing), False
                row = ArticleRow(**new_article_values(url, source, now))
                session.add(row)
                session.flush()
                return self._article(session, row.id), True
        except IntegrityError:  # another process added it just now
            return self.article_by_url(url), False

    def remove_article(self, article_id: int) -> None:
        """Forget an article with all its versions and checks."""
        with self._sessions.begin() as session:
            row = session.get(ArticleRow, article_id)
            if row is None:
                raise NotFoundError(f"no article with id {article_id}")
            archived = body_ids(session, article_id)
            session.delete(row)
            session.flush()
            delete_unused_bodies(session, archived)

    def article(self, article_id: int) -> Article:
        with self._sessions() as session:
            return self._article(session, article_id)

    def article_by_url(self, url: str) -> Article:
        """The article tracked under ``url``, else whose fetches ended at ``url``, else whose
        page names ``url`` as its own."""
        with self._sessions() as session:
            found = _known_as(session, url)
            if found is None:
                raise NotFoundError(f"no tracked article with URL {url}")
            return self._article(session, found)

    def articles(self, ids: Sequence[int] | None = None) -> list[Article]:
        """All articles (or those with ``ids``), oldest first."""
        query = article_query().order_by(ArticleRow.id)
        if ids is not None:
            query = query.where(ArticleRow.id.in_(ids))
        with self._sessions() as session:
            return [to_article(*row) for row in session.execute(query)]

    def count_due(self, now: datetime) -> int:
        """How many active articles are due by ``now``, claimed or not."""
        due = select(func.count()).where(
            ArticleRow.status == ArticleStatus.ACTIVE.value, ArticleRow.next_check <= now
        )
        with self._sessions() as session:
            return session.scalar(due) or 0

    def outlook(self) -> Outlook:
        """How many articles are tracked, how many active, and when the next active one is due."""
        active = ArticleRow.status == ArticleStatus.ACTIVE.value
        query = select(
            func.count(),
            func.count(case((active, 1))),
            func.min(case((active, ArticleRow.next_check))),
        ).select_from(ArticleRow)
        with self._sessions() as session:
            tracked, active_count, next_due = session.execute(query).one()
        return Outlook(tracked, active_count, next_due)

    def claim_due_articles(
        self, worker: str, now: datetime, lease: timedelta, *, limit: int | None = None
    ) -> list[int]:
        """Claim the active articles due by ``now`` for ``worker``; most overdue first.

        A claim lasts until the article's check is recorded or ``lease`` runs
        out, so several workers sharing one database never check an article
        twice. On PostgreSQL rows another worker is claiming are skipped
        (``FOR UPDATE SKIP LOCKED``); SQLite runs the one UPDATE atomically.
        """
        due = (
            select(ArticleRow.id)
            .where(
                ArticleRow.status == ArticleStatus.ACTIVE.value,
                ArticleRow.next_check <= now,
                or_(ArticleRow.claimed_until.is_(None), ArticleRow.claimed_until < now),
            )
            .order_by(ArticleRow.next_check, ArticleRow.id)
            .limit(limit)
        )
        claim = {"claimed_by": worker, "claimed_until": now + lease}
        with self._sessions.begin() as session:
            claimed = take_rows(session, ArticleRow, due, claim)
            ordered = select(ArticleRow.id).where(ArticleRow.id.in_(claimed))
            return list(session.scalars(ordered.order_by(ArticleRow.next_check, ArticleRow.id)))

    def spread_overdue(self, now: datetime, window: timedelta) -> int:
        """Reschedule overdue active articles evenly over ``window``, most overdue first.

        A service starting after a long pause would otherwise fire its whole
        backlog at once. Returns how many articles were moved.
        """
        overdue = (
            select(ArticleRow)
            .where(ArticleRow.status == ArticleStatus.ACTIVE.value, ArticleRow.next_check < now)
            .order_by(ArticleRow.next_check, ArticleRow.id)
        )
        with self._sessions.begin() as session:
            rows = list(session.scalars(overdue))
            for index, row in enumerate(rows):
                row.next_check = now + window * (index / len(rows))
            return len(rows)

    def release_claims(self, worker: str) -> None:
        """Give up ``worker``'s claims on articles it did not get to check."""
        release = (
            update(ArticleRow)
            .where(ArticleRow.claimed_by == worker)
            .values(claimed_by=None, claimed_until=None)
        )
        with self._sessions.begin() as session:
            session.execute(release)

    def resume_article(self, article_id: int, now: datetime) -> Article:
        """Check a stopped article again: due now, its schedule started afresh."""
        with self._sessions.begin() as session:
            row = session.get(ArticleRow, article_id)
            if row is None:
                raise NotFoundError(f"no article with id {article_id}")
            row.status, row.next_check, row.check_interval = ArticleStatus.ACTIVE.value, now, None
            session.flush()
            return self._article(session, article_id)

    def stop_article(self, article_id: int) -> Article:
        """Check an article no more, keeping its versions and checks: stopped, due never.

        A worker that claimed it may still finish the check it started.
        """
        with self._sessions.begin() as session:
            row = session.get(ArticleRow, article_id)
            if row is None:
                raise NotFoundError(f"no article with id {article_id}")
            row.status, row.next_check = ArticleStatus.STOPPED.value, None
            session.flush()
            return self._article(session, article_id)

    def active_article_ids(self) -> list[int]:
        query = select(ArticleRow.id).where(ArticleRow.status == ArticleStatus.ACTIVE.value)
        with self._sessions() as session:
            return list(session.scalars(query.order_by(ArticleRow.id)))

    def versions(self, article_id: int) -> list[Version]:
        """Every version of an article, from number 0."""
        query = (
            select(VersionRow)
            .where(VersionRow.article_id == article_id)
            .order_by(VersionRow.number)
        )
        with self._sessions() as session:
            return [to_version(row) for row in session.scalars(query)]

    def cards(self, article_id: int) -> dict[int, ChangeCard]:
        """The change cards of an article's versions, by version number (none for version 0,
        nor for a version whose card the classifier failed to compute)."""
        query = (
            select(VersionRow.number, ChangeCardRow)
            .join(ChangeCardRow, ChangeCardRow.version_id == VersionRow.id)
            .where(VersionRow.article_id == article_id)
        )
        with self._sessions() as session:
            return {number: to_card(row) for number, row in session.execute(query)}

    def reclassify(self, article_ids: Collection[int] | None, *, current: str | None) -> int:
        """Compute again the cards not made by the classifier ``current`` (every card with
        None), and the missing ones, of ``article_ids`` (all articles with None).

        Adds no version. Works a batch of versions a transaction, so memory stays bounded
        and other writers are not kept waiting. Returns how many cards were computed.
        """
        stale = stale_card_versions(article_ids, current)
        done, last_id = 0, 0
        while True:
            with self._sessions.begin() as session:
                batch = list(
                    session.scalars(stale.where(VersionRow.id > last_id).limit(_RECLASSIFY_BATCH))
                )
                if not batch:
                    return done
                rows = session.scalars(select(VersionRow).where(VersionRow.id.in_(batch)))
                for row in rows:
                    store_card(session, self.classify, row)
            done, last_id = done + len(batch), batch[-1]

    def checks(self, article_id: int, *, limit: int = 10) -> list[CheckRecord]:
        """The article's latest checks, newest first."""
        with self._sessions() as session:
            return [to_check(row) for row in session.scalars(checks_query(article_id, limit))]

    def health(self, now: datetime) -> list[SourceHealth]:
        """Per-source activity, errors and alarms over the last 24 hours."""
        with self._sessions() as session:
            return source_health(session, now)

    def record_check(
        self,
        article_id: int,
        seen: Observation,
        plan: Planner,
        policy: VersionPolicy = DEFAULT_POLICY,
    ) -> CheckResult:
        """Store what a check saw, in one transaction: version, schedule and log line.

        Whether changed text is a new version follows ``policy``.
        """
        try:
            with self._sessions.begin() as session:
                return self._record_check(session, article_id, seen, plan, policy)
        except OperationalError as exc:
            raise StoreError(f"cannot record the check of article {article_id}: {exc}") from exc

    def replace_text(
        self, article_id: int, number: int, extracted: ExtractedArticle, now: datetime
    ) -> bool:
        """Give a version the text ``extracted`` from its archived page; keep the old text.

        Returns whether the text changed (an equal text only records the new
        extractor version).
        """
        with self._sessions.begin() as session:
            row = session.scalar(
                select(VersionRow)
                .where(VersionRow.article_id == article_id, VersionRow.number == number)
                .with_for_update()
            )
            if row is None:
                raise NotFoundError(f"article {article_id} has no version {number}")
            replaced = replace_version_text(session, row, extracted, now)
            if replaced:  # the changes to this text and from it are to be told again
                refresh_cards(session, self.classify, article_id, (number, number + 1))
                # a rule learned for the old text would confirm it: learn anew
                session.execute(
                    update(ArticleRow)
                    .where(ArticleRow.id == article_id)
                    .values(fastpath_rule=None, fastpath_checks=0)
                )
            return replaced

    def _record_check(
        self,
        session: Session,
        article_id: int,
        seen: Observation,
        plan: Planner,
        policy: VersionPolicy,
    ) -> CheckResult:
        article = session.get(ArticleRow, article_id, with_for_update=True)
        if article is None:
            raise NotFoundError(f"no article with id {article_id}")
        latest = _latest_version(session, article_id)
        if latest is None and (original := _same_article(session, article, seen)) is not None:
            session.delete(article)  # a second URL of an article already tracked
            article, article_id = original, original.id
            latest = _latest_version(session, article_id)
        if (
            latest is not None
            and seen.rebaseline is not None
            and seen.rebaseline[0] == latest.number
        ):
            if replace_version_text(session, latest, seen.rebaseline[1], seen.checked_at):
                store_card(session, self.classify, latest)
        outcome, number, error = seen.outcome_without_content, None, seen.error
        digest = article_hash(seen.article) if seen.article else None
        if seen.decided_by is CheckPath.FAST and latest is not None:
            outcome, digest = CheckOutcome.UNCHANGED, latest.content_hash
            article.fastpath_checks += 1
        elif seen.article is not None:
            outcome = CheckOutcome.UNCHANGED
            if is_new_version(session, latest, seen.article, policy):
                error = held_back(session, latest, seen.article, policy)
                outcome = CheckOutcome.SUSPECT if error else CheckOutcome.NEW_VERSION
            if outcome is CheckOutcome.NEW_VERSION:
                number = 0 if latest is None else latest.number + 1
                added = _add_version(session, article, number, seen)
                card = store_card(session, self.classify, added)
                if self.match is not None:
                    queue_deliveries(session, self.match, article, added, card)
                latest = added
            _keep_rule(article, seen, digest, latest)
        _apply_check(article, seen, outcome, plan)
        error_kind = seen.error_kind if outcome is CheckOutcome.ERROR else None
        session.add(
            CheckRow(
                article_id=article_id,
                checked_at=seen.checked_at,
                http_status=seen.http_status,
                outcome=outcome.value,
                error=error,
                error_kind=error_kind,
                duration=seen.duration,
                bytes=seen.nbytes,
                version_number=number,
                content_hash=digest,
                decided_by=None if seen.decided_by is None else seen.decided_by.value,
            )
        )
        version = number if number is not None else (latest.number if latest else None)
        return CheckResult(article_id, article.url, outcome, version, error, error_kind)

    def _article(self, session: Session, article_id: int) -> Article:
        row = session.execute(article_query().where(ArticleRow.id == article_id)).one_or_none()
        if row is None:
            raise NotFoundError(f"no article with id {article_id}")
        return to_article(*row)


def _keep_rule(
    article: ArticleRow, seen: Observation, digest: str | None, latest: VersionRow | None
) -> None:
    """Keep the fast path's rule that ``seen`` learned if it finds the latest version's text.

    A text the check saw but did not store (held back, a flip back to an earlier
    version, a change of punctuation only) is not the latest version's: a fast
    "unchanged" against it could hide what the full path would find.
    """
    same = latest is not None and digest == latest.content_hash
    article.fastpath_rule = seen.learned_rule if same else None
    article.fastpath_checks = 0


def _known_as(session: Session, url: str) -> int | None:
    """The id of the article known by ``url``: tracked under it first, then fetched to it,
    then named so by its page; of several alike, the oldest."""
    rank = case((ArticleRow.url == url, 0), (ArticleRow.final_url == url, 1), else_=2)
    known = select(ArticleRow.id).where(or_(*(name == url for name in ARTICLE_NAMES)))
    return session.scalar(known.order_by(rank, ArticleRow.id).limit(1))


def _apply_check(
    article: ArticleRow, seen: Observation, outcome: CheckOutcome, plan: Planner
) -> None:
    article.last_checked = seen.checked_at
    article.canonical_url = _own_name(seen) or article.canonical_url
    article.claimed_by = article.claimed_until = None
    if outcome is CheckOutcome.ERROR:
        article.consecutive_failures += 1
    elif outcome is CheckOutcome.SUSPECT:  # keep the validators: the next check must see it whole
        article.consecutive_failures = 0
    else:
        article.consecutive_failures = 0
        article.final_url = seen.final_url or article.final_url
        article.etag, article.last_modified = seen.etag, seen.last_modified
    if outcome is CheckOutcome.NEW_VERSION:
        article.last_changed = seen.checked_at
    previous = None if article.check_interval is None else timedelta(seconds=article.check_interval)
    # a held-back text is looked at again as soon as after a change
    changed = outcome in (CheckOutcome.NEW_VERSION, CheckOutcome.SUSPECT)
    next_check = plan(changed, previous)
    article.next_check = next_check.at
    article.check_interval = next_check.interval.total_seconds()
    article.status = next_check.status.value


def _same_article(session: Session, article: ArticleRow, seen: Observation) -> ArticleRow | None:
    """The article already tracked that this page turns out to be, if any.

    A page reached under a second URL (a redirect, a feed's tracking link) is
    known by where it ended up and by the URL it names as its own
    (``rel=canonical``, ``og:url``).
    """
    names = {seen.final_url, _own_name(seen)} - {None, article.url}
    if not names:
        return None
    found = select(ArticleRow).where(
        ArticleRow.id != article.id, or_(*(name.in_(names) for name in ARTICLE_NAMES))
    )
    return session.scalars(found.order_by(ArticleRow.id).limit(1).with_for_update()).first()


def _own_name(seen: Observation) -> str | None:
    """The URL the page names as its own, if it is on the site the fetch ended at.

    A page's word is taken for its own site only: a page naming another site's
    address must not become, or swallow, the article tracked there. A name too
    long to store is no name.
    """
    named = seen.article.canonical_url if seen.article else None
    if named is None or seen.final_url is None or len(named) > URL_LENGTH:
        return None
    hosts = {(urlsplit(url).hostname or "").removeprefix("www.") for url in (named, seen.final_url)}
    return named if len(hosts) == 1 else None


def _latest_version(session: Session, article_id: int) -> VersionRow | None:
    return session.scalar(
        select(VersionRow)
        .where(VersionRow.article_id == article_id)
        .order_by(VersionRow.number.desc())
        .limit(1)
    )


def _add_version(
    session: Session, article: ArticleRow, number: int, seen: Observation
) -> VersionRow:
    """Add the version ``seen`` found and archive the response it came from."""
    assert seen.article is not None
    row = VersionRow(
        article_id=article.id,
        source=article.source,
        number=number,
        seen_at=seen.checked_at,
        title=seen.article.title,
        byline=seen.article.byline,
        published=seen.article.published,
        paragraphs=list(seen.article.paragraphs),
        content_hash=article_hash(seen.article),
        extractor_version=seen.extractor_version or seen.article.extractor_version,
    )
    session.add(row)
    if seen.body is None:
        return row
    session.flush()
    add_capture(
        session,
        row,
        url=seen.final_url or "",
        fetched_at=seen.checked_at,
        status=seen.http_status or 200,
        headers=seen.headers,
        body=seen.body,
    )
    return row
