"""Change events, the messages people read, and the webhook's payload and signature."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime

import pytest

from redline.diff import diff_versions
from redline.errors import TemplateError
from redline.model import (
    Article,
    ArticleStatus,
    ChangeCard,
    ChangeKind,
    NumberChange,
    SentenceCounts,
    Version,
)
from redline.notify import (
    ChangeEvent,
    Passage,
    Templates,
    card_document,
    change_event,
    new_delivery_id,
    render_digest,
    render_message,
    sign,
    webhook_body,
)

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
ARTICLE = Article(
    id=7,
    url="https://gazette.example/markets",
    final_url=None,
    source="gazette",
    title="Shares surge",
    first_seen=T0,
    last_checked=None,
    last_changed=None,
    next_check=None,
    status=ArticleStatus.ACTIVE,
    etag=None,
    last_modified=None,
    version_count=4,
    consecutive_failures=0,
)
CARD = ChangeCard(
    kinds=(ChangeKind.HEADLINE, ChangeKind.NUMBERS, ChangeKind.STEALTH),
    significance=0.8,
    summary="Headline changed; 1 number changed (90% → 95%).",
    reasons=("headline changed", "a number changed"),
    sentences=SentenceCounts(edited=1, added=1),
    words_changed=0.05,
    numbers=(NumberChange("90%", "95%"),),
    revert_of=None,
    classifier_version="1",
)


def version(number: int, title: str, *paragraphs: str) -> Version:
    return Version(7, number, T0, title, None, paragraphs, f"hash{number}", "x")


OLD = version(
    2,
    "Shares surge",
    "Markets opened calmly. Shares surged 90% this year. Traders were surprised.",
    "The central bank said nothing.",
)
NEW = version(
    3,
    "Shares surge to a record",
    "Markets opened calmly. Shares surged 95% this year. Traders were surprised.",
    "The central bank said nothing.",
    "Correction: an earlier version gave the wrong figure.",
)


def the_event(base_url: str | None = "https://redline.example/news") -> ChangeEvent:
    return change_event(ARTICLE, OLD, NEW, CARD, base_url=base_url)


def test_an_event_holds_the_changed_sentences_the_headline_and_the_link() -> None:
    event = the_event()
    assert event.passages == (
        Passage("Shares surged 90% this year.", "Shares surged 95% this year."),
        Passage(None, "Correction: an earlier version gave the wrong figure."),
    )
    assert (event.old_title, event.title) == ("Shares surge", "Shares surge to a record")
    assert event.diff_url == "https://redline.example/news/articles/7/diff/2/3"
    assert event.ops == diff_versions(OLD, NEW).body


def test_without_a_base_url_there_is_no_diff_link_and_the_article_is_linked() -> None:
    event = the_event(base_url=None)
    assert event.diff_url is None and event.link == ARTICLE.url


def test_a_first_version_is_a_new_article_with_no_change() -> None:
    first = change_event(ARTICLE, None, version(0, "Shares", "Text."), None, base_url=None)
    assert first.is_new_article and first.passages == () and first.ops == ()
    assert first.card is None and first.diff_url is None and first.link == ARTICLE.url
    message = render_message(first, Templates(), rule="desk")
    assert message.title == "gazette: Shares — new article"


def test_the_message_carries_the_summary_the_before_and_after_and_the_link() -> None:
    message = render_message(the_event(), Templates(), rule="desk")
    assert message.title == (
        "gazette: Shares surge to a record — Headline changed; 1 number changed (90% → 95%)."
    )
    body = message.body
    assert body.startswith("Headline changed; 1 number changed (90% → 95%).\n")
    assert "Headline before: Shares surge\nHeadline after: Shares surge to a record" in body
    assert "Before: Shares surged 90% this year.\nAfter: Shares surged 95% this year." in body
    assert "Added: Correction: an earlier version gave the wrong figure." in body
    assert body.rstrip().endswith("https://redline.example/news/articles/7/diff/2/3")
    assert "Traders were surprised" not in body  # an unchanged sentence is not quoted


def test_a_removed_paragraph_reads_removed() -> None:
    event = change_event(
        ARTICLE, NEW, version(4, NEW.title, *NEW.paragraphs[:2]), CARD, base_url=None
    )
    assert (
        "Removed: Correction: an earlier version gave the wrong figure."
        in render_message(event, Templates(), rule="desk").body
    )


def test_a_rule_template_replaces_the_default_and_escapes_nothing() -> None:
    templates = Templates(
        title="[{{ kinds | join(',') }}] {{ article.title }} & co", body="{{ link }}"
    )
    message = render_message(the_event(), templates, rule="desk")
    assert message.title == "[headline,numbers,stealth] Shares surge to a record & co"
    assert message.body == "https://redline.example/news/articles/7/diff/2/3\n"


def test_a_template_failing_on_a_change_is_a_template_error_naming_the_rule() -> None:
    templates = Templates(body="{{ card.summary.nope }}")
    with pytest.raises(TemplateError, match="notify rule 'desk': its template failed") as failed:
        render_message(the_event(), templates, rule="desk")
    assert failed.value.kind == "template" and failed.value.rule == "desk"


def test_hostile_text_is_bounded_and_loses_its_control_characters() -> None:
    hostile = "\x1b[31mred\x1b[0m \u202eevil\u202c " + "word " * 2000
    event = change_event(
        ARTICLE, OLD, version(3, "Title\x07 with\nbreak", hostile), CARD, base_url=None
    )
    message = render_message(event, Templates(), rule="desk")
    assert (
        "\x1b" not in message.body and "\u202e" not in message.body and "\x07" not in message.title
    )
    assert "\n" not in message.title and len(message.title) <= 250
    assert len(message.body) < 3000 and "…" in message.body


def test_a_digest_folds_several_changes_into_one_message() -> None:
    first = the_event()
    second = change_event(
        ARTICLE,
        NEW,
        version(4, NEW.title, "Markets closed.", *NEW.paragraphs[1:]),
        CARD,
        base_url=None,
    )
    message = render_digest([first, second, first], Templates(), rule="desk")
    assert message.title == "redline: 3 changes — gazette"
    assert message.body.count("gazette: Shares surge to a record — Headline changed") == 3
    assert "Before: Shares surged 90% this year." in message.body
    assert "After: Markets closed." in message.body
    assert "https://redline.example/news/articles/7/diff/2/3" in message.body


def test_the_webhook_body_is_the_issue_s_document() -> None:
    event = the_event()
    document = json.loads(webhook_body([event], delivery_id="d-1"))
    assert document == {
        "event": "change",
        "id": "d-1",
        "article": {
            "id": 7,
            "url": "https://gazette.example/markets",
            "source": "gazette",
            "title": "Shares surge to a record",
        },
        "version": 3,
        "seen_at": "2026-11-01T12:00:00+00:00",
        "change": {
            "kinds": ["headline", "numbers", "stealth"],
            "significance": 0.8,
            "summary": "Headline changed; 1 number changed (90% → 95%).",
            "reasons": ["headline changed", "a number changed"],
            "sentences": {"added": 1, "deleted": 0, "edited": 1, "moved": 0},
            "numbers": [{"old": "90%", "new": "95%"}],
            "revert_of": None,
        },
        "diff_url": "https://redline.example/news/articles/7/diff/2/3",
        "diff": [{"op": op.op, "text": op.text} for op in diff_versions(OLD, NEW).body],
    }
    assert document["change"] == card_document(CARD)


def test_a_digest_new_article_and_test_say_so_in_event() -> None:
    event = the_event()
    digest = json.loads(webhook_body([event, event], delivery_id="d-2"))
    assert digest["event"] == "digest" and digest["id"] == "d-2" and len(digest["changes"]) == 2
    assert digest["changes"][0]["version"] == 3 and "id" not in digest["changes"][0]
    first = change_event(ARTICLE, None, version(0, "Shares", "Text."), None, base_url=None)
    assert json.loads(webhook_body([first], delivery_id="x"))["event"] == "new_article"
    assert json.loads(webhook_body([event], delivery_id="x", test=True))["event"] == "test"


def test_the_signature_is_the_hmac_sha256_of_the_raw_body() -> None:
    body = webhook_body([the_event()], delivery_id="d-1")
    expected = hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    assert sign(body, "s3cret") == f"sha256={expected}"
    assert sign(body, "other") != sign(body, "s3cret")


def test_delivery_ids_are_unique() -> None:
    assert len({new_delivery_id() for _ in range(1000)}) == 1000
