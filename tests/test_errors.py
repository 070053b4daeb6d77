"""The exception tree: a class and a stable kind for each failure, and the kind in the log."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from alembic import command
from sqlalchemy import Engine, inspect

import redline
from handclock import Clock
from redline import CheckResult, Config, FetchConfig, Redline, errors, workers
from redline.demo import FIRST_EDITION, render_page
from redline.errors import ErrorKind, FetchError, RedlineError
from redline.extract import extract_article
from redline.model import ArticleStatus, CheckOutcome, ExtractedArticle, NextCheck, Observation
from redline.store import Store
from redline.store.database import alembic_config

PUBLIC_IP = "93.184.216.34"
STORY = "https://news.example/story"
T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
ARTICLE = render_page(FIRST_EDITION[0], FIRST_EDITION, 1).encode()
LINKS_ONLY = b"<html><body>" + b"".join(b'<a href="/%d">Story %d</a>' % (n, n) for n in range(30))
HTML = {"Content-Type": "text/html"}

CLASSES = [getattr(errors, name) for name in errors.__all__ if name != "ErrorKind"]


def test_every_class_is_in_the_tree_and_exported_from_redline() -> None:
    assert all(issubclass(cls, RedlineError) for cls in CLASSES)
    assert set(errors.__all__) <= set(redline.__all__)
    assert all(cls.__name__ in (errors.__doc__ or "") for cls in CLASSES)


def test_every_class_has_a_kind_of_its_own_in_snake_case() -> None:
    kinds = [cls.kind for cls in CLASSES]
    assert len(set(kinds)) == len(CLASSES)
    assert all(isinstance(kind, ErrorKind) and re.fullmatch("[a-z_]+", kind) for kind in kinds)
    assert ErrorKind.INTERNAL not in kinds  # kept for exceptions redline did not mean to raise


def test_a_fetch_error_knows_its_url_status_and_wait() -> None:
    error = errors.RetryLaterError("wait", url="https://news.example/a", retry_after=5.0)
    assert isinstance(error, FetchError) and error.kind == "retry_later"
    assert (error.url, error.status, error.retry_after) == ("https://news.example/a", None, 5.0)
    assert issubclass(errors.TooManyRedirectsError, errors.RedirectError)


# --- the kind in the check log, through a real check pass --------------------------------


def respond(request: httpx.Request) -> httpx.Response:
    """The sites of the pass below: one path, or one host, for each way a check fails."""
    host, path = request.url.host, request.url.path
    if host == "busy.example":  # its robots.txt asks for a minute's peace
        return httpx.Response(503, headers={"Retry-After": "60"})
    if path == "/robots.txt":
        return httpx.Response(200, content=b"User-agent: *\nDisallow: /private\n")
    if path == "/down":
        raise httpx.ConnectError("connection refused", request=request)
    if path == "/slow":
        raise httpx.ReadTimeout("read timed out", request=request)
    status, headers, body = ANSWERS[path]
    return httpx.Response(status, headers=headers, content=body)


ANSWERS: dict[str, tuple[int, dict[str, str], bytes]] = {
    "/story": (200, HTML, ARTICLE),
    "/links": (200, HTML, LINKS_ONLY),
    "/bug": (200, HTML, ARTICLE),
    "/missing": (404, {}, b""),
    "/pdf": (200, {"Content-Type": "application/pdf"}, b"%PDF"),
    "/empty": (200, HTML, b""),
    "/huge": (200, HTML, b"<html>" + b"x" * 20_000),
    "/nowhere": (302, {}, b""),
    "/loop": (302, {"Location": "/loop"}, b""),
    "/gzip": (200, HTML | {"Content-Encoding": "gzip"}, b"not gzip"),  # fails as it is read
}


async def resolve(host: str) -> Sequence[str]:
    return ["10.0.0.1"] if host == "intranet.example" else [PUBLIC_IP]


FAILURES = {
    "https://news.example/links": ErrorKind.NO_ARTICLE,
    "https://news.example/bug": ErrorKind.INTERNAL,
    "https://news.example/missing": ErrorKind.HTTP_STATUS,
    "https://news.example/pdf": ErrorKind.CONTENT_TYPE,
    "https://news.example/empty": ErrorKind.EMPTY_BODY,
    "https://news.example/huge": ErrorKind.TOO_LARGE,
    "https://news.example/nowhere": ErrorKind.REDIRECT,
    "https://news.example/loop": ErrorKind.TOO_MANY_REDIRECTS,
    "https://news.example/gzip": ErrorKind.FETCH,
    "https://news.example/down": ErrorKind.CONNECT,
    "https://news.example/slow": ErrorKind.TIMEOUT,
    "https://news.example/private/story": ErrorKind.DISALLOWED,
    "https://busy.example/story": ErrorKind.RETRY_LATER,
    "https://intranet.example/story": ErrorKind.BLOCKED_ADDRESS,
}


@pytest.fixture
def checked(database_url: str, clock: Clock, monkeypatch: pytest.MonkeyPatch) -> Iterator[Redline]:
    """A Redline that has checked one working article and one of each failure once."""
    extract = extract_article

    def extract_with_a_bug(html: str, url: str, **options: object) -> object:
        if url.endswith("/bug"):
            raise KeyError("parser exploded")
        return extract(html, url, **options)  # type: ignore[arg-type]

    monkeypatch.setattr("redline.workers.extract_article", extract_with_a_bug)
    config = Config(fetch=FetchConfig(per_host_delay=0, max_bytes=10_000))
    transport = httpx.MockTransport(respond)
    with Redline.open(
        database_url, config, transport=transport, resolver=resolve, clock=clock
    ) as opened:
        *fetched, intranet = FAILURES
        opened.add([STORY, *fetched])
        # add refuses a private address: this one is tracked as a feed's entry would be
        opened.store.add_article(intranet, source=None, now=clock())
        yield opened


def check_all(opened: Redline) -> list[CheckResult]:
    """Check every article, a few at a time: extraction stays in process, patched."""
    ids = [article.id for article in opened.articles()]
    results: list[CheckResult] = []
    for start in range(0, len(ids), workers.INLINE_EXTRACTIONS):
        results += opened.check(ids[start : start + workers.INLINE_EXTRACTIONS]).results
    return results


def test_each_failure_is_recorded_with_its_kind(checked: Redline) -> None:
    results = check_all(checked)

    kinds = {result.url: result.error_kind for result in results}
    assert kinds == {STORY: None, **FAILURES}
    for url, kind in FAILURES.items():
        (logged,) = checked.checks(url)
        assert (logged.outcome.value, logged.error_kind) == ("error", kind), url
        assert logged.error
    (working,) = checked.checks(STORY)
    assert (working.outcome.value, working.error, working.error_kind) == ("new_version", None, None)


def test_the_messages_stay_as_they_were(checked: Redline) -> None:
    errors_by_url = {result.url: result.error for result in check_all(checked)}

    assert errors_by_url["https://news.example/empty"] == "empty response body"
    assert errors_by_url["https://news.example/nowhere"] == "HTTP 302 redirect without a Location"
    assert errors_by_url["https://news.example/private/story"] == (
        "disallowed by https://news.example/robots.txt for redline"
    )
    assert errors_by_url["https://busy.example/story"] == (
        "not fetched: busy.example asked us to wait (Retry-After), 60s to go"
    )
    assert errors_by_url["https://news.example/bug"] == (
        "extraction failed: KeyError: 'parser exploded'"
    )


# --- migration 0007: the kinds of error rows stored before it -----------------------------


def migrate_again_from_0006(engine: Engine) -> None:
    """Take the database back to before 0007 (its kinds dropped), and upgrade it again."""
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0006")
        columns = inspect(connection).get_columns("checks")
        assert "error_kind" not in {column["name"] for column in columns}
        command.upgrade(config, "head")


def test_the_upgrade_gives_old_error_rows_their_kinds_from_their_messages(
    checked: Redline,
) -> None:
    check_all(checked)
    recorded = {url: checked.checks(url)[0].error_kind for url in [*FAILURES, STORY]}

    migrate_again_from_0006(checked.store.engine)

    backfilled = {url: checked.checks(url)[0].error_kind for url in [*FAILURES, STORY]}
    # a bare FetchError's message is httpx's own: no kind can be read from it
    assert backfilled == recorded | {"https://news.example/gzip": None}


def test_the_upgrade_gives_a_held_back_check_no_kind(database_url: str) -> None:
    store = Store.open(database_url)
    try:
        article, _ = store.add_article(STORY, source=None, now=T0)
        plan = NextCheck(T0, timedelta(hours=1), ArticleStatus.ACTIVE)
        for n, paragraphs in enumerate([("A long paragraph of text.",) * 6, ("Short.",)]):
            text = ExtractedArticle("T", None, None, paragraphs, "generic", "test")
            seen = Observation(T0 + timedelta(hours=n), 0.1, 200, article=text)
            store.record_check(article.id, seen, lambda changed, previous: plan)
        (held_back, _) = store.checks(article.id)
        assert held_back.outcome is CheckOutcome.SUSPECT and held_back.error

        migrate_again_from_0006(store.engine)

        assert [check.error_kind for check in store.checks(article.id)] == [None, None]
    finally:
        store.close()
