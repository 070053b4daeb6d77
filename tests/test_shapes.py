"""Every JSON shape's documents are valid by the JSON Schema the same declaration gives."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import jsonschema_rs
import pytest

from redline import shapes
from redline.diff import diff_versions
from redline.extract import ExtractedArticle
from redline.model import (
    Article,
    ArticleStatus,
    ChangeCard,
    ChangeKind,
    CheckOutcome,
    CheckRecord,
    CheckResult,
    CheckSummary,
    DeliveryRecord,
    DeliveryRound,
    DeliveryStatus,
    NumberChange,
    QueuedChange,
    RuleInfo,
    SentenceCounts,
    Source,
    Version,
)
from redline.reextract import ReextractResult
from redline.shapes import Field, Shape
from redline.sources import PollOutcome, PollResult
from redline.store import SourceHealth
from redline.store.health import DeliveryHealth
from redline.store.queries import Change, VersionInfo

T = datetime(2026, 11, 1, 9, 30, 15, 250, tzinfo=UTC)

BARE = Article(1, "https://a.example/1", None, None, None, T, None, None, None,
               ArticleStatus.ACTIVE, None, None, 0, 0)  # fmt: skip
FULL = Article(2, "https://a.example/2", "https://a.example/two", "gazette", "Headline", T, T, T,
               T, ArticleStatus.STOPPED, '"e"', "Sun", 3, 1)  # fmt: skip
OLD = Version(2, 0, T, "Old", None, ("One.", "Two."), "h0", "x1")
NEW = Version(2, 1, T, "New", "Jo", ("One.", "Three."), "h1", "x1")
CHECKS = (
    CheckRecord(T, CheckOutcome.ERROR, None, "timed out", 0.12345, 0, None),
    CheckRecord(T, CheckOutcome.NEW_VERSION, 200, None, 1.5, 2048, 1),
)
RESULTS = tuple(
    CheckResult(number, f"https://a.example/{number}", outcome, None, None)
    for number, outcome in enumerate(CheckOutcome)
) + (CheckResult(9, "https://a.example/9", CheckOutcome.NEW_VERSION, 4, None),)
POLLED = (
    PollResult("gazette", PollOutcome.NEW_ARTICLES, 2),
    PollResult("x", PollOutcome.ERROR, 0, "no"),
)
CARD = ChangeCard(
    kinds=(ChangeKind.HEADLINE, ChangeKind.NUMBERS, ChangeKind.STEALTH),
    significance=0.8,
    summary="Headline changed; 1 number changed (90% → 95%).",
    reasons=("headline changed", "a number changed"),
    sentences=SentenceCounts(edited=1),
    words_changed=0.125,
    numbers=(NumberChange("90%", "95%"), NumberChange(None, "3")),
    revert_of=None,
    classifier_version="1",
)
NEW_INFO = VersionInfo(2, 1, T, "New", "h1", CARD)
OLD_INFO = VersionInfo(2, 0, T, "Old", "h0")
SENT = DeliveryRecord(
    "9b2c", "desk", DeliveryStatus.SENT, False, (QueuedChange(2, 1),), 1, None, None, T, None, T
)
GIVEN_UP = DeliveryRecord(
    "7f1e", "bot", DeliveryStatus.FAILED, True, (QueuedChange(2, 1), QueuedChange(3, 4)), 10,
    "notify rule 'bot': the webhook answered 503", "delivery_status", T, None, None,
)  # fmt: skip
EXTRACTED = ExtractedArticle("Headline", None, "2026-11-01", ("One.",), "generic", "x1")

SAMPLES: list[tuple[Shape[Any], object]] = [
    (shapes.ARTICLE, BARE),
    (shapes.ARTICLE, FULL),
    (shapes.ARTICLE_DETAIL, shapes.ArticleDetail(FULL, (OLD, NEW), CHECKS)),
    (shapes.ARTICLE_DETAIL, shapes.ArticleDetail(FULL, (OLD, NEW), CHECKS, {1: CARD})),
    (shapes.CHANGE_CARD, CARD),
    (shapes.CHANGE_LISTED, Change(5, 4, 2, "https://a.example/2", None, NEW_INFO, OLD_INFO)),
    (shapes.CHANGE_LISTED, Change(5, 4, 2, "https://a.example/2", "g", OLD_INFO, OLD_INFO)),
    (shapes.VERSION, NEW),
    (shapes.DIFF, shapes.VersionDiff(diff_versions(OLD, NEW), 0, 1)),
    (shapes.CHECK_REPORT, shapes.CheckReport(CheckSummary(RESULTS), POLLED)),
    (shapes.CHECK_REPORT, shapes.CheckReport(CheckSummary(RESULTS, DeliveryRound(2, 1)), ())),
    (shapes.DELIVERY, SENT),
    (shapes.DELIVERY, GIVEN_UP),
    (
        shapes.RULE_INFO,
        RuleInfo("bot", ("https://hooks.example/…",), None, None, 0.0, None, None, None),
    ),
    (
        shapes.RULE_INFO,
        RuleInfo(
            "desk", ("mailto://u:****@x",), ("g",), (ChangeKind.NUMBERS,), 0.3, 3600.0, 5, SENT
        ),
    ),  # fmt: skip
    (
        shapes.STATUS_REPORT,
        shapes.StatusReport(
            (SourceHealth("g"),), DeliveryHealth(3, 1, 1, (("bot", GIVEN_UP.last_error),))
        ),
    ),
    (shapes.STATUS_REPORT, shapes.StatusReport((), DeliveryHealth())),
    (shapes.SOURCE_HEALTH, SourceHealth(None)),
    (shapes.SOURCE_HEALTH, SourceHealth("gazette", 4, 3, 1, 10, 2, 5, 5, 1, (2,))),
    (
        shapes.SOURCE,
        Source("g", "https://g.example/feed", None, None, T, None, None, None, None, 0, None, 0, 0),
    ),  # fmt: skip
    (
        shapes.SOURCE,
        Source(
            "g",
            "https://g.example/feed",
            "/news/",
            "/sport/",
            T,
            T,
            T,
            '"e"',
            "Sun",
            2,
            "HTTP 500",
            7,
            5,
        ),
    ),  # fmt: skip
    (shapes.REEXTRACT_RESULT, ReextractResult(1, "https://a.example/1", 3, (1,), ((2, "why"),), 1)),
    (shapes.EXTRACTION, shapes.Extraction(EXTRACTED)),
    (shapes.EXTRACTION, shapes.Extraction(EXTRACTED, '[[sites]]\nhost = "a.example"\n')),
    (shapes.ERROR, shapes.Problem(404, "no article with id 9")),
    (shapes.SOURCE_NAME_PAGE, shapes.Listing(["gazette", "The Daily"], None)),
    (shapes.CHANGE_PAGE, shapes.Listing([], "/api/changes?before=4")),
]


def validator(shape: Shape[Any]) -> Any:
    """A validator of ``shape``'s documents, its ``$ref``\\ s resolved as OpenAPI's are."""
    document = {"$ref": shape.ref()["$ref"], "components": {"schemas": shapes.schemas([shape])}}
    return jsonschema_rs.Draft202012Validator(document, validate_formats=True)


@pytest.mark.parametrize(("shape", "value"), SAMPLES, ids=lambda item: getattr(item, "name", ""))
def test_a_document_is_valid_by_its_own_schema(shape: Shape[Any], value: object) -> None:
    document = json.loads(json.dumps(shape.dump(value)))
    errors = [error.message for error in validator(shape).iter_errors(document)]
    assert errors == []


def test_a_schema_refuses_a_document_of_another_shape() -> None:
    wrong = shapes.ARTICLE.dump(FULL) | {"status": "gone"}
    assert not validator(shapes.ARTICLE).is_valid(wrong)
    assert not validator(shapes.ARTICLE).is_valid(wrong | {"status": "active", "extra": 1})
    assert not validator(shapes.CHANGE_PAGE).is_valid({"items": [{}], "next": None})


def test_an_optional_key_is_left_out_when_none_and_not_required() -> None:
    assert "rule" not in shapes.EXTRACTION.dump(shapes.Extraction(EXTRACTED))
    schema = shapes.EXTRACTION.schema()
    assert "rule" in schema["properties"] and "rule" not in schema["required"]
    assert schema["required"][-1] == "text"


def test_a_larger_shape_reuses_the_fields_of_the_smaller() -> None:
    detail = shapes.ARTICLE_DETAIL.dump(shapes.ArticleDetail(FULL, (OLD,), ()))
    assert list(detail) == [*shapes.ARTICLE.dump(FULL), "versions", "recent_checks"]
    assert detail["versions"] == [
        {"number": 0, "seen_at": T.isoformat(), "title": "Old", "change": None}
    ]
    assert list(shapes.VERSION.dump(NEW))[:4] == ["number", "seen_at", "title", "content_hash"]


def test_components_hold_every_shape_referred_to_once_by_name() -> None:
    found = shapes.schemas([shapes.CHANGE_PAGE, shapes.SEARCH_HIT_PAGE])
    assert set(found) == {
        "ChangePage",
        "Change",
        "ChangeCard",
        "NumberChange",
        "SentenceCounts",
        "SearchHitPage",
        "SearchHit",
        "VersionInfo",
    }
    twin = Shape[Article]("Change", "Not the Change shape.", [])
    with pytest.raises(ValueError, match="two shapes are named Change"):
        shapes.schemas([shapes.CHANGE_PAGE, twin])


def test_a_shape_declaring_a_key_twice_is_refused() -> None:
    key = Field[Article]("id", {"type": "integer"}, lambda article: article.id)
    with pytest.raises(ValueError, match="declares a key twice"):
        Shape[Article]("Twice", "Two ids.", [key, key])


def test_a_field_is_typed_by_the_attribute_it_reads() -> None:
    properties = shapes.SOURCE_HEALTH.schema()["properties"]
    assert properties["source"]["type"] == ["string", "null"]
    assert properties["checks_24h"]["type"] == "integer"
    assert shapes.REEXTRACT_RESULT.schema()["properties"]["failed"]["items"]["maxItems"] == 2
    assert shapes.ARTICLE.schema()["properties"]["status"]["enum"] == ["active", "stopped"]


def test_an_attribute_the_value_lacks_or_of_no_json_type_is_refused() -> None:
    with pytest.raises(TypeError, match="Article has no attribute 'headline'"):
        shapes.shape(Article, "id headline")
    with pytest.raises(TypeError, match="no JSON type"):
        shapes.shape(Article, shapes.field("raw", bytes, lambda article: b""))


@dataclass(frozen=True)
class Outcome:
    """A check's outcome, if it had one."""

    outcome: CheckOutcome | None


def test_a_nullable_enumeration_takes_null_and_its_values() -> None:
    outcomes = shapes.shape(Outcome, "outcome")
    assert validator(outcomes).is_valid(outcomes.dump(Outcome(None)))
    assert outcomes.dump(Outcome(CheckOutcome.SUSPECT)) == {"outcome": "suspect"}
    assert not validator(outcomes).is_valid({"outcome": "gone"})


def test_a_version_seen_carries_its_card_as_the_issue_spells_it() -> None:
    detail = shapes.ARTICLE_DETAIL.dump(shapes.ArticleDetail(FULL, (OLD, NEW), (), {1: CARD}))
    first, second = detail["versions"]
    assert first["change"] is None
    assert second["change"] == {
        "kinds": ["headline", "numbers", "stealth"],
        "significance": 0.8,
        "summary": CARD.summary,
        "reasons": list(CARD.reasons),
        "sentences": {"added": 0, "deleted": 0, "edited": 1, "moved": 0},
        "numbers": [{"old": "90%", "new": "95%"}, {"old": None, "new": "3"}],
        "revert_of": None,
    }
    schema = shapes.schemas([shapes.ARTICLE_DETAIL])["VersionSeen"]["properties"]["change"]
    assert {"type": "null"} in schema["anyOf"]


def test_a_listed_change_without_a_card_has_no_kinds_nor_summary() -> None:
    listed = shapes.CHANGE_LISTED.dump(
        Change(5, 4, 2, "https://a.example/2", "g", OLD_INFO, OLD_INFO)
    )
    assert (listed["kinds"], listed["significance"], listed["summary"]) == ([], None, None)
    with_card = shapes.CHANGE_LISTED.dump(
        Change(5, 4, 2, "https://a.example/2", "g", NEW_INFO, OLD_INFO)
    )
    assert with_card["version"] == 1 and with_card["summary"] == CARD.summary
