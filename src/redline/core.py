"""The library facade: one :class:`Redline` ties the pipeline stages together.

The CLI and the service are thin shells over it. The web app is the one shell
beside it: it only reads, so it opens its own read-only connections and reads
through :class:`redline.store.queries.Archive`. The outside world comes in as
parameters: the HTTP transport, the DNS resolver, the clock, the monotonic
clock and its sleep (the fetch stage's delays and time limits) and the random
source, so tests need no network and never sleep.

The stages that only some methods need (fetching, extraction, feeds, WARC, the
re-extraction) are imported inside those methods: ``redline list`` and ``redline
show`` must not wait for httpx, trafilatura and zstandard to load (tests/test_startup.py).
Nor for SQLAlchemy: on a SQLite file whose schema is current, the store opens on
first use, and until then articles, versions, checks and cards are read through
``sqlite3`` (:mod:`redline.store.sqlite_reads`).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import random as random_module
import socket
import threading
import time
import uuid
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, BinaryIO, Protocol, TypedDict, Unpack
from urllib.parse import urlsplit

from .cards import CLASSIFIER_VERSION, Classifier, classify_change
from .config import Config, SiteRule
from .diff import ArticleDiff, diff_versions
from .errors import ExtractionError, NotFoundError
from .model import (
    MAX_ID,
    Article,
    Capture,
    ChangeCard,
    ChangeKind,
    CheckRecord,
    CheckResult,
    CheckSummary,
    Clock,
    DeliveryRecord,
    DeliveryRound,
    ExtractedArticle,
    Monotonic,
    Outlook,
    RuleInfo,
    Sleep,
    Source,
    Version,
    utc_now,
)
from .store.database import database_url, run_lock
from .store.sqlite_reads import SQLiteReads
from .urls import canonical_url

if TYPE_CHECKING:
    import httpx

    from .fetch import Fetcher, Page, Resolver, RobotsMemory
    from .outbox import Outbox
    from .reextract import ReextractResult
    from .sources import PollResult
    from .store import ArchiveStore, SourceHealth, SourceStore, Store
    from .store.deliveries import OutboxStore
    from .store.health import DeliveryHealth
    from .store.queries import Archive, Change
    from .workers import ExtractionPool

__all__ = ["Redline", "World"]

log = logging.getLogger("redline")

_REEXTRACT_BATCH = 64
"""Articles whose archived pages are re-extracted together: enough to keep every core busy."""


class World(TypedDict, total=False):
    """The outside world a :class:`Redline` meets, each part replaceable (for tests)."""

    transport: httpx.AsyncBaseTransport | None
    """The HTTP transport; None: the network, through the address guard."""
    resolver: Resolver | None
    """The DNS resolver; None: the system's."""
    clock: Clock
    """The time of day (aware UTC)."""
    random: Callable[[], float]
    """Random numbers in [0, 1): the schedule's jitter."""
    monotonic: Monotonic
    """The clock the fetch stage's delays and time limits run on."""
    sleep: Sleep
    """Waits on ``monotonic``."""
    classify: Classifier
    """What computes each new version's change card (:func:`redline.cards.classify_change`)."""


class _Reads(Protocol):
    """What reads articles and their versions, checks and cards: the store, or the file."""

    def article(self, article_id: int) -> Article: ...
    def article_by_url(self, url: str) -> Article: ...
    def articles(self) -> list[Article]: ...
    def versions(self, article_id: int) -> list[Version]: ...
    def checks(self, article_id: int, *, limit: int = 10) -> list[CheckRecord]: ...
    def cards(self, article_id: int) -> dict[int, ChangeCard]: ...


class Redline:
    """Track articles, check them for new versions, and show what changed.

    >>> with Redline.open("sqlite:///news.db") as redline:  # doctest: +SKIP
    ...     redline.add(["https://example.com/story"])
    ...     summary = redline.check()
    """

    def __init__(
        self,
        store: Store | Callable[[], Store],
        config: Config | None = None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        resolver: Resolver | None = None,
        clock: Clock = utc_now,
        random: Callable[[], float] = random_module.random,
        monotonic: Monotonic = time.monotonic,
        sleep: Sleep = asyncio.sleep,
        classify: Classifier = classify_change,
    ) -> None:
        """``store`` is the database, or what opens it when first used."""
        self.config = config or Config()
        self._classify = classify
        self._direct: SQLiteReads | None = None
        """Reads of the SQLite file until the store opens (see :meth:`open`)."""
        self._opening = threading.Lock()  # ``redline run`` sends from a thread of its own
        self._store: Store | None = None
        if callable(store):
            self._open_store = store
        else:
            self._store = self._prepared(store)
        self._transport = transport
        self._resolver = resolver
        self._clock = clock
        self._random = random
        self._monotonic, self._sleep = monotonic, sleep
        self._pool: ExtractionPool | None = None
        self._worker = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"[-64:]

    @classmethod
    def open(
        cls,
        database: str | Path | None = None,
        config: Config | None = None,
        **world: Unpack[World],
    ) -> Redline:
        """Open (creating or upgrading) the database: a SQLAlchemy URL or a SQLite path.

        A SQLite file whose schema is current is opened as SQLAlchemy's on first use
        of the :attr:`store`; reading articles, versions, checks and cards before that
        needs only ``sqlite3``. With no ``database``, the config's ``[database] url``,
        then a SQLite file in the user's data directory. ``world`` replaces parts of
        the outside world as the constructor's keyword arguments do.
        """
        config = config or Config()
        url = database_url(database or config.database)
        direct = SQLiteReads.open(url)
        if direct is None:
            return cls(_open_store(url), config, **world)
        redline = cls(functools.partial(_open_store, url), config, **world)
        redline._direct = direct
        return redline

    @property
    def store(self) -> Store:
        """The database: opened on first use when :meth:`open` found its schema current."""
        with self._opening:
            if self._store is None:
                self._store = self._prepared(self._open_store())
            return self._store

    def _prepared(self, store: Store) -> Store:
        store.classify = self._classify  # the store computes each version's card as it stores it
        if self.config.notify:  # redline.outbox imports apprise: only for a config with rules
            from .outbox import matcher

            store.match = matcher(self.config.notify)
        return store

    @property
    def created(self) -> bool:
        """Whether opening the database created its schema: it is a new, empty archive."""
        return self._store is not None and self._store.created

    @property
    def _reads(self) -> _Reads:
        """The SQLite file itself until the store opens, then the store: one or the other
        for a whole command (``list``, ``show``) that only reads."""
        if self._direct is not None and self._store is None:
            return self._direct
        return self.store

    @functools.cached_property
    def _sources(self) -> SourceStore:
        from .store import SourceStore

        return SourceStore(self.store.engine)

    @functools.cached_property
    def _archive(self) -> ArchiveStore:
        from .store import ArchiveStore

        return ArchiveStore(self.store.engine)

    @functools.cached_property
    def _queries(self) -> Archive:
        from .store.queries import Archive

        return Archive(self.store.engine)

    @functools.cached_property
    def _outbox(self) -> OutboxStore:
        from .store.deliveries import OutboxStore

        return OutboxStore(self.store.engine)

    @property
    def _extraction(self) -> ExtractionPool:
        """The extraction workers, made on first use: their module loads the extractor."""
        if self._pool is None:
            from .workers import ExtractionPool

            self._pool = ExtractionPool()
        return self._pool

    @functools.cached_property
    def _robots(self) -> RobotsMemory:
        """What the sites' robots.txt say, kept across passes: a service asks a site once a
        day. Made on first use: the fetch stage loads only for a command that fetches."""
        from .fetch import RobotsMemory

        return RobotsMemory(clock=self._monotonic)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
        if self._direct is not None:
            self._direct.close()
        if self._store is not None:
            self._store.close()

    def __enter__(self) -> Redline:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # Tracking

    def add(self, urls: Iterable[str], *, source: str | None = None) -> list[tuple[Article, bool]]:
        """Track ``urls``; each comes back with whether it was new.

        Every URL is checked before any is added, so one bad URL adds none.
        Unless ``[fetch] allow_private_networks`` is on, a URL whose host is,
        or resolves only to, an address no check would fetch (loopback,
        private, ...) is refused with :class:`BlockedAddressError`; a host that
        does not resolve yet is accepted, as it may by the time it is checked.
        """
        from .fetch import AddressGuard, refuse_private_hosts

        canonical = [canonical_url(url) for url in urls]
        guard = AddressGuard(
            self._resolver, allow_private_networks=self.config.fetch.allow_private_networks
        )
        timeout = self.config.fetch.timeout
        asyncio.run(refuse_private_hosts(canonical, guard, timeout, self._sleep))
        now = self._clock()
        return [self.store.add_article(url, source=source, now=now) for url in canonical]

    def remove(self, ref: str | int) -> Article:
        """Stop tracking an article and delete its versions and checks; return what it was.

        :meth:`stop` ends the checks but keeps the history.
        """
        article = self.article(ref)
        self.store.remove_article(article.id)
        return article

    def article(self, ref: str | int) -> Article:
        """The article with id ``ref`` or known by the URL ``ref``.

        An id no database can hold (above :data:`~redline.store.tables.MAX_ID`)
        is one no article has, on every backend.
        """
        digits = ref.strip() if isinstance(ref, str) else str(ref)
        if isinstance(ref, str) and not (digits.isascii() and digits.isdigit()):
            return self._reads.article_by_url(canonical_url(ref))
        # compared as text first: int() refuses a number thousands of digits long
        if len(digits.lstrip("0")) > len(str(MAX_ID)) or not 0 <= int(digits) <= MAX_ID:
            raise NotFoundError(f"no article with id {digits}")
        return self._reads.article(int(digits))

    def articles(self) -> list[Article]:
        return self._reads.articles()

    def versions(self, ref: str | int) -> list[Version]:
        return self._reads.versions(self.article(ref).id)

    def checks(self, ref: str | int, *, limit: int = 10) -> list[CheckRecord]:
        """The article's latest checks, newest first: when, what came of it, any error."""
        return self._reads.checks(self.article(ref).id, limit=limit)

    def extract(
        self, url_or_file: str, *, url: str | None = None, rule: SiteRule | None = None
    ) -> ExtractedArticle:
        """What the extractor makes of a page: fetched from a URL, or read from a file.

        The page's rules (``[[sites]]``) apply as in a check, so a rule's effect
        shows at once; ``rule``, tried first, is one not yet in the config.
        ``method`` says which path produced the result. For a file, ``url``
        says where it came from (which rule applies). Anything without a URL
        scheme is a file name. Raises NotFoundError if there is no such file,
        and ExtractionError if a selector of ``rule`` (but ``drop``) matches
        nothing on the page: tried, it would silently fall back.
        """
        from .extract import extract_article, unmatched_selectors

        rules = (rule, *self.config.sites) if rule else self.config.sites
        path = Path(url_or_file)
        if path.is_file() or not urlsplit(url_or_file).scheme:  # no scheme: a file name
            address = canonical_url(url) if url else path.resolve().as_uri()
            html: str | bytes = _read_page(path)
        else:
            page = self._fetch_page(canonical_url(url_or_file))
            html, address = page.text, page.final_url
        if rule is not None and (unmatched := unmatched_selectors(html, rule)):
            name = unmatched[0]
            raise ExtractionError(
                f"the {name} selector {getattr(rule, name)!r} matches nothing on the page"
            )
        return extract_article(html, address, rules=rules)

    def _fetch_page(self, url: str) -> Page:
        async def fetch() -> Page:
            async with self._fetcher() as fetcher:
                return await fetcher.fetch(url)

        return asyncio.run(fetch())

    # Sources

    def add_source(
        self, name: str, feed_url: str, include: str | None = None, exclude: str | None = None
    ) -> tuple[Source, bool]:
        """Follow the RSS/Atom feed at ``feed_url``: its new entries become tracked articles."""
        from .sources import add_source

        return add_source(self._sources, name, feed_url, include, exclude, now=self._clock())

    def sources(self) -> list[Source]:
        return self._sources.sources()

    def remove_source(self, name: str) -> Source:
        """Stop polling a source; its articles stay tracked."""
        return self._sources.remove(name)

    def poll_sources(self) -> list[PollResult]:
        """Poll the due sources' feeds once and track their new entries."""
        from .sources import fetcher_feed_fetch, poll_due_sources

        async def poll() -> list[PollResult]:
            async with self._fetcher() as fetcher:
                feed_fetch = fetcher_feed_fetch(fetcher)
                return await poll_due_sources(
                    self._sources, feed_fetch, self._clock(), self.config.schedule
                )

        with run_lock(self.store.engine):
            return asyncio.run(poll())

    def _fetcher(self) -> Fetcher:
        from .fetch import Fetcher

        return Fetcher(
            self.config.fetch,
            transport=self._transport,
            resolver=self._resolver,
            robots_memory=self._robots,
            monotonic=self._monotonic,
            sleep=self._sleep,
        )

    # Checking

    def check(
        self,
        refs: Sequence[str | int] = (),
        *,
        all_active: bool = False,
        limit: int | None = None,
        on_start: Callable[[int], None] | None = None,
        on_result: Callable[[CheckResult], None] | None = None,
        stop: threading.Event | None = None,
    ) -> CheckSummary:
        """Check the due articles once (every active one with ``all_active``, or ``refs``).

        Due articles are claimed first (at most ``limit``), so several workers
        can share a database; on a SQLite file a second pass at the same time
        raises :class:`AlreadyRunningError` instead. A failed fetch or
        extraction is recorded as an ``error`` outcome and retried later; it
        never stops the pass. Setting ``stop`` ends the pass early and cleanly.

        After the pass, the notifications due are sent (see :meth:`deliver`); a
        failure sending them is recorded for a retry and never raised.
        """
        with run_lock(self.store.engine):
            try:
                if refs or all_active:
                    ids = self._named_or_active(refs, limit)
                    results = self._check_ids(ids, on_start, on_result, stop)
                else:
                    results = self._check_due(limit, on_start, on_result, stop)
            finally:
                self.store.release_claims(self._worker)
            stopping = stop is not None and stop.is_set()
            notifications = DeliveryRound() if stopping else self._send_after_pass()
        return CheckSummary(tuple(results), notifications)

    def _named_or_active(self, refs: Sequence[str | int], limit: int | None) -> list[int]:
        if refs:
            return list(dict.fromkeys(self.article(ref).id for ref in refs))
        return self.store.active_article_ids()[:limit]

    def _check_due(
        self,
        limit: int | None,
        on_start: Callable[[int], None] | None,
        on_result: Callable[[CheckResult], None] | None,
        stop: threading.Event | None,
    ) -> list[CheckResult]:
        """Claim and check due articles a batch at a time, so other workers can share."""
        results: list[CheckResult] = []
        batch = self.config.fetch.concurrency * 4
        if on_start is not None:
            due = self.store.count_due(self._clock())
            on_start(due if limit is None else min(due, limit))
        while limit is None or len(results) < limit:
            size = batch if limit is None else min(batch, limit - len(results))
            lease = self.config.schedule.lease
            ids = self.store.claim_due_articles(self._worker, self._clock(), lease, limit=size)
            if not ids or (stop is not None and stop.is_set()):
                break
            results += self._check_ids(ids, None, on_result, stop)
        return results

    def _check_ids(
        self,
        ids: list[int],
        on_start: Callable[[int], None] | None,
        on_result: Callable[[CheckResult], None] | None,
        stop: threading.Event | None,
    ) -> list[CheckResult]:
        articles = self.store.articles(ids)
        if on_start is not None:
            on_start(len(articles))
        return asyncio.run(self._run_pass(articles, on_result, stop))

    async def _run_pass(
        self,
        articles: Sequence[Article],
        on_result: Callable[[CheckResult], None] | None,
        stop: threading.Event | None,
    ) -> list[CheckResult]:
        from .checking import CheckPass
        from .workers import INLINE_EXTRACTIONS

        if len(articles) > INLINE_EXTRACTIONS:
            self._extraction.start()
        async with self._fetcher() as fetcher:
            check_pass = CheckPass(
                self.store,
                self._archive,
                self.config,
                fetcher,
                self._extraction,
                self._clock,
                self._random,
                on_result,
            )
            return await check_pass.run(articles, stop)

    # Notifications

    def deliver(self) -> DeliveryRound:
        """Send the notifications due now; ``redline run`` does every few seconds.

        On a SQLite file this takes the run lock (AlreadyRunningError while a pass
        holds it: the pass sends when it ends), so a delivery another process leased
        is that of a process that died, and is sent at once.
        """
        with run_lock(self.store.engine):
            return self._send_outbox()

    def retry_deliveries(self) -> DeliveryRound:
        """Try every pending and given-up notification now, whatever its back-off."""
        with run_lock(self.store.engine):
            if self._outbox.make_due(self._clock()) == 0:
                return DeliveryRound()
            return self._send_outbox(with_no_rules=True)

    def delivery_queue(self) -> list[DeliveryRecord]:
        """The notifications pending (to send, or to retry) and given up, oldest first."""
        return self._outbox.queue()

    def delivery_health(self) -> DeliveryHealth:
        """How many notifications are pending, retrying and given up: ``status``'s alarm."""
        return self._outbox.health()

    def notify_rules(self) -> list[RuleInfo]:
        """The ``[[notify]]`` rules, secrets masked, each with its latest delivery."""
        from .outbox import rule_info

        rules = self.config.notify
        last = self._outbox.last_deliveries([rule.name for rule in rules])
        return [rule_info(rule, last.get(rule.name)) for rule in rules]

    def notify_test(self, name: str) -> None:
        """Send the rule ``name`` a sample change now, past the outbox.

        Raises:
            NotFoundError: no rule has that name.
            DeliveryError: it was not delivered (why, in its message and kind).
        """
        rule = next((rule for rule in self.config.notify if rule.name == name), None)
        if rule is None:
            names = ", ".join(repr(rule.name) for rule in self.config.notify) or "none"
            raise NotFoundError(f"no [[notify]] rule named {name!r} (the config has: {names})")
        asyncio.run(self._new_outbox().send_test(rule))

    def _send_after_pass(self) -> DeliveryRound:
        """Send what is due after a check pass; a failure is logged, never raised."""
        try:
            return self._send_outbox()
        except Exception as exc:  # the database, or a bug: the pass is done and recorded
            log.error("sending notifications failed: %s: %s", type(exc).__name__, exc)
            log.debug("sending notifications failed", exc_info=exc)
            return DeliveryRound()

    def _send_outbox(self, *, with_no_rules: bool = False) -> DeliveryRound:
        """Send the outbox (the caller holds the run lock). With no rules, nothing unless
        ``with_no_rules`` (deliveries of rules gone are given up): apprise is not imported."""
        if not self.config.notify and not with_no_rules:
            return DeliveryRound()
        return asyncio.run(self._new_outbox().send())

    def _new_outbox(self) -> Outbox:
        from .outbox import Outbox

        return Outbox(
            self._outbox,
            self.config,
            worker=self._worker,
            clock=self._clock,
            take_held=self.store.engine.dialect.name == "sqlite",
            resolver=self._resolver,
            transport=self._transport,
        )

    def outlook(self) -> Outlook:
        """How many articles are tracked and when the next check is due."""
        return self.store.outlook()

    def status(self) -> list[SourceHealth]:
        """Per-source health over the last 24 hours, with alarms."""
        return self.store.health(self._clock())

    @property
    def clock(self) -> Clock:
        """The clock this instance reads the time from."""
        return self._clock

    def resume(self, ref: str | int) -> Article:
        """Check a stopped article again, starting its schedule afresh."""
        return self.store.resume_article(self.article(ref).id, self._clock())

    def stop(self, ref: str | int) -> Article:
        """Check an article no more, keeping its history (:meth:`resume` undoes it)."""
        return self.store.stop_article(self.article(ref).id)

    # The raw archive

    def captures(self, ref: str | int) -> list[Capture]:
        """The HTTP responses the article's versions were extracted from, in version order."""
        return self._archive.captures(self.article(ref).id)

    def reextract(
        self,
        refs: Sequence[str | int] = (),
        *,
        source: str | None = None,
        on_result: Callable[[ReextractResult], None] | None = None,
    ) -> list[ReextractResult]:
        """Extract the archived pages again with the current extractor and ``[[sites]]`` rules.

        Covers the articles ``refs``, else those of ``source``, else every
        article with archived pages. A version whose text comes out different
        gets the new text in place (the old one is kept); no version is added
        or removed, so feeds show no false change.
        """
        from .workers import INLINE_EXTRACTIONS

        ids = self._archived_ids(refs, source)
        if len(ids) > INLINE_EXTRACTIONS:
            self._extraction.start()
        results = []
        for start in range(0, len(ids), _REEXTRACT_BATCH):
            for result in self._reextract_batch(ids[start : start + _REEXTRACT_BATCH]):
                results.append(result)
                if on_result is not None:
                    on_result(result)
        return results

    def _reextract_batch(self, ids: Sequence[int]) -> Iterator[ReextractResult]:
        """Re-extract a batch of articles' pages together (on every core), then store each."""
        from .reextract import extract_captures, store_reextraction

        articles = self.store.articles(ids)
        captures = [self._archive.captures(article.id) for article in articles]
        every_page = [capture for pages in captures for capture in pages]
        extractions = iter(extract_captures(every_page, self.config.sites, self._extraction))
        for article, pages in zip(articles, captures, strict=True):
            done = [next(extractions) for _ in pages]
            yield store_reextraction(self.store, article, pages, done, self._clock())

    def export_warc(
        self, stream: BinaryIO, refs: Sequence[str | int] = (), *, source: str | None = None
    ) -> int:
        """Write the archived pages (of ``refs``, else ``source``, else all) as a gzipped WARC.

        Returns how many response records were written.
        """
        from .warc import write_warc

        captures = self._archive.iter_captures(self._archived_ids(refs, source))
        filename = Path(str(getattr(stream, "name", "redline.warc.gz"))).name
        return write_warc(captures, stream, filename=filename)

    def _archived_ids(self, refs: Sequence[str | int], source: str | None) -> list[int]:
        if refs:
            return list(dict.fromkeys(self.article(ref).id for ref in refs))
        ids = self._archive.article_ids(source=source)
        if source is not None and not ids:
            raise NotFoundError(f"no archived pages of source {source!r}")
        return ids

    # Change cards

    def cards(self, ref: str | int) -> dict[int, ChangeCard]:
        """The change cards of the article's versions, by version number.

        Version 0 has none; nor has a version whose card the classifier failed to
        compute (:meth:`reclassify` computes it).
        """
        return self._reads.cards(self.article(ref).id)

    def changes(
        self,
        *,
        since: datetime | None = None,
        source: str | None = None,
        kinds: Collection[ChangeKind] = (),
        min_significance: float = 0.0,
        limit: int = 50,
    ) -> list[Change]:
        """The changes across the archive, newest first, each with its change card.

        Only those seen since ``since``, of ``source``, of at least one of ``kinds``,
        at least ``min_significance`` significant: the database filters, so asking for
        a rare kind reads no more than the changes listed. Raises NotFoundError for a
        source no article or feed has.
        """
        if source is not None and not self._queries.source_exists(source):
            raise NotFoundError(f"no source named {source!r}")
        from .store.queries import ChangeFilter

        only = ChangeFilter(since=since, kinds=kinds, min_significance=min_significance)
        return list(self._queries.changes(limit=limit, source=source, only=only).items)

    def reclassify(self, refs: Sequence[str | int] = (), *, all: bool = False) -> int:  # noqa: A002
        """Compute the change cards again where the classifier changed since; add no version.

        Covers the articles ``refs``, else every article. Without ``all`` only cards
        made by another classifier version (:data:`redline.cards.CLASSIFIER_VERSION`)
        and missing ones are computed; with it every card. Returns how many were.
        """
        ids = list(dict.fromkeys(self.article(ref).id for ref in refs)) if refs else None
        return self.store.reclassify(ids, current=None if all else CLASSIFIER_VERSION)

    def card(self, old: Version, new: Version) -> ChangeCard | None:
        """What changed from ``old`` to ``new`` (two versions of one article): the stored
        card when ``new`` follows ``old``, else one computed now, for this diff alone."""
        if new.number == old.number + 1:
            return self._queries.card(new.article_id, new.number)
        return self.store.classify(old, new)

    # Showing changes

    def diff(
        self, ref: str | int, from_number: int | None = None, to_number: int | None = None
    ) -> tuple[Version, Version, ArticleDiff]:
        """The diff between two versions; by default the latest change."""
        versions = self.versions(ref)
        if len(versions) < 2 and from_number is None and to_number is None:
            raise NotFoundError("the article has not changed yet (it has fewer than 2 versions)")
        to_number = len(versions) - 1 if to_number is None else to_number
        from_number = to_number - 1 if from_number is None else from_number
        old, new = _version(versions, from_number), _version(versions, to_number)
        return old, new, diff_versions(old, new)

    def feed(self, ref: str | int) -> bytes:
        """The article's RSS feed: one item per change, newest first, each opening with
        its change card's summary."""
        from .feeds import article_feed

        article = self.article(ref)
        versions, cards = self.store.versions(article.id), self.store.cards(article.id)
        return article_feed(article, versions, cards=cards)


def _open_store(url: str) -> Store:
    """The store of the database at ``url``, its schema created or upgraded."""
    from .store import Store  # SQLAlchemy: not for a command that only reads a SQLite file

    return Store.open(url)


def _read_page(path: Path) -> bytes:
    """The saved page at ``path``; NotFoundError, in one line, if there is none to read."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise NotFoundError(f"no such file: {path}") from None
    except OSError as exc:
        raise NotFoundError(f"cannot read {path}: {exc.strerror}") from None


def _version(versions: Sequence[Version], number: int) -> Version:
    if not 0 <= number < len(versions):
        have = f"versions 0 to {len(versions) - 1}" if versions else "no versions yet"
        raise NotFoundError(f"no version {number}: the article has {have}")
    return versions[number]
