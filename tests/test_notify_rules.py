"""[[notify]] rules and [delivery] settings: parsed from TOML, checked, and matched to changes."""

from __future__ import annotations

import dataclasses
import tomllib
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from redline.errors import ConfigError
from redline.model import ChangeCard, ChangeKind, SentenceCounts
from redline.notify import ChangeEvent, DeliverySettings, parse_delivery, parse_rules

ISSUE_EXAMPLE = """
[[notify]]
name = "desk"
urls = ["mailto://user:pass@smtp.example.com?to=desk@example.com", "ntfy://ntfy.sh/newsdesk"]
sources = ["gazette"]
kinds = ["numbers", "quotes", "stealth"]
min_significance = 0.3
digest = "1h"
attach_image = true

[[notify]]
name = "newsroom-bot"
webhook = "https://hooks.example.com/redline"
secret = "s3cret"
"""


def card(*kinds: ChangeKind, significance: float) -> ChangeCard:
    return ChangeCard(
        kinds=kinds,
        significance=significance,
        summary="a change",
        reasons=(),
        sentences=SentenceCounts(edited=1),
        words_changed=0.01,
        numbers=(),
        revert_of=None,
        classifier_version="test",
    )


def event(source: str | None, change: ChangeCard | None, version: int = 3) -> ChangeEvent:
    return ChangeEvent(
        article_id=1,
        url="https://gazette.example/story",
        source=source,
        title="Story",
        version=version,
        seen_at=datetime(2026, 11, 1, tzinfo=UTC),
        card=change,
    )


TYPO = card(ChangeKind.TYPO, significance=0.05)
NUMBERS = card(ChangeKind.NUMBERS, ChangeKind.STEALTH, significance=0.6)
QUIET_NUMBERS = card(ChangeKind.NUMBERS, significance=0.2)
BYLINE = card(ChangeKind.BYLINE, significance=0.5)


def rules(toml: str) -> Any:
    return parse_rules(tomllib.loads(toml)["notify"])


def one_rule(**keys: Any) -> dict[str, Any]:
    return {"name": "desk", "webhook": "https://hooks.example.com/x"} | keys


def test_the_issue_example_loads_as_written() -> None:
    desk, bot = rules(ISSUE_EXAMPLE)
    assert desk.name == "desk" and len(desk.urls) == 2 and desk.webhook is None
    assert desk.sources == {"gazette"}
    assert desk.kinds == {ChangeKind.NUMBERS, ChangeKind.QUOTES, ChangeKind.STEALTH}
    assert (desk.min_significance, desk.digest, desk.attach_image) == (
        0.3,
        timedelta(hours=1),
        True,
    )
    assert bot.webhook == "https://hooks.example.com/redline" and bot.secret == "s3cret"
    assert bot.urls == () and bot.kinds is None and bot.sources is None and bot.digest is None


def test_a_typo_fix_does_not_reach_a_rule_that_wants_significance() -> None:
    (rule,) = parse_rules([one_rule(min_significance=0.3)])
    assert not rule.matches(event("gazette", TYPO))
    assert rule.matches(event("gazette", NUMBERS))
    assert not rule.matches(event("gazette", QUIET_NUMBERS))


def test_kinds_and_sources_filter_and_the_defaults_take_all() -> None:
    (picky,) = parse_rules([one_rule(kinds=["numbers", "quotes"], sources=["gazette"])])
    (everything,) = parse_rules([one_rule()])
    assert picky.matches(event("gazette", NUMBERS))
    assert not picky.matches(event("gazette", BYLINE))  # no kind in common
    assert not picky.matches(event("herald", NUMBERS))  # another source
    assert not picky.matches(event(None, NUMBERS))  # no source at all
    assert all(everything.matches(event(source, BYLINE)) for source in ("herald", None))


def test_a_new_article_notifies_only_rules_that_ask_for_new_articles() -> None:
    (plain,) = parse_rules([one_rule()])
    (curious,) = parse_rules([one_rule(on_new_article=True, sources=["gazette"])])
    first_version = event("gazette", None, version=0)
    assert not plain.matches(first_version)
    assert curious.matches(first_version)
    assert not curious.matches(event("herald", None, version=0))


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (one_rule(colour="red"), "[[notify]] 'desk': unknown setting 'colour'"),
        ({"webhook": "https://hooks.example.com/x"}, "[[notify]]: every rule needs a name"),
        ({"name": "desk"}, "[[notify]] 'desk': set either urls (apprise URLs) or webhook"),
        (one_rule(urls=["json://hooks.example.com"]), "set either urls (apprise URLs) or webhook"),
        (one_rule(kinds=["number"]), "kinds: unknown kind 'number' (valid: headline, byline,"),
        (one_rule(kinds="numbers"), "kinds: expected a list of strings"),
        (one_rule(sources=[1]), "sources: expected a list of strings"),
        (one_rule(min_significance=2), "min_significance: must be from 0 to 1"),
        (one_rule(min_significance="high"), "min_significance: unexpected value 'high'"),
        (one_rule(digest="soon"), "digest: expected a duration like '30m'"),
        (one_rule(digest="0s"), "digest: must be positive and at most 7d"),
        (one_rule(max_per_hour=0), "max_per_hour: must be positive and at most 3600"),
        (one_rule(attach_image="yes"), "attach_image: unexpected value 'yes'"),
        (one_rule(webhook="ftp://hooks.example.com/x"), "webhook: unsupported URL scheme 'ftp'"),
        (one_rule(secret=""), "secret: a non-empty key, for a webhook rule only"),
        ({"name": "desk", "urls": [], "secret": "x"}, "secret: a non-empty key"),
        ({"name": "desk", "urls": []}, "urls: expected at least one apprise URL"),
        (one_rule(title_template="{{ article.title"), "title_template: unexpected end of template"),
        (one_rule(body_template="{{ artcle.title }}"), "body_template: 'artcle' is undefined"),
        (one_rule(digest_body_template="{{ changes.nope }}"), "digest_body_template: "),
        (one_rule(title_template="{{ ''.__class__.__mro__ }}"), "title_template: access to"),
    ],
)
def test_a_wrong_setting_fails_in_one_line_naming_the_rule_and_key(
    table: dict[str, Any], message: str
) -> None:
    with pytest.raises(ConfigError) as refused:
        parse_rules([table])
    assert message in str(refused.value)
    assert "\n" not in str(refused.value)


def test_an_apprise_url_apprise_cannot_use_is_refused_without_showing_its_password() -> None:
    with pytest.raises(ConfigError) as refused:
        parse_rules([{"name": "desk", "urls": ["ntfy://ntfy.sh/x", "nosuch://user:hunter2@x"]}])
    assert "urls: URL 2 (nosuch://…) is not one apprise can send to" in str(refused.value)
    assert "hunter2" not in str(refused.value)


def test_two_rules_of_one_name_and_a_table_that_is_not_a_list_are_refused() -> None:
    with pytest.raises(ConfigError, match="name: two rules are named 'desk'"):
        parse_rules([one_rule(), one_rule()])
    with pytest.raises(ConfigError, match="expected a list of"):
        parse_rules({"name": "desk"})
    with pytest.raises(ConfigError, match="each entry must be a table"):
        parse_rules(["desk"])


def test_templates_that_render_are_kept_for_the_rule() -> None:
    (rule,) = parse_rules([one_rule(title_template="{{ source }} changed", body_template="x")])
    assert (rule.templates.title, rule.templates.body, rule.templates.digest_body) == (
        "{{ source }} changed",
        "x",
        None,
    )


def test_delivery_settings_default_and_load() -> None:
    assert parse_delivery({}) == DeliverySettings()
    settings = parse_delivery({"max_attempts": 3, "backoff": "30s", "max_backoff": "2m"})
    assert (settings.max_attempts, settings.backoff) == (3, timedelta(seconds=30))
    assert [settings.retry_delay(failures).total_seconds() for failures in (1, 2, 3, 4, 50)] == [
        30,
        60,
        120,
        120,
        120,
    ]


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"max_attempts": 0}, "[delivery] max_attempts: must be positive"),
        ({"max_attempts": 1.5}, "[delivery] max_attempts: unexpected value 1.5"),
        ({"backoff": "-1m"}, "[delivery] backoff: expected a duration"),
        (
            {"backoff": "1h", "max_backoff": "1m"},
            "[delivery] max_backoff: must be at least backoff",
        ),
        ({"timeout": 0}, "[delivery] timeout: must be positive"),
        ({"retries": 3}, "[delivery]: unknown setting 'retries'"),
    ],
)
def test_a_wrong_delivery_setting_is_named(table: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError) as refused:
        parse_delivery(table)
    assert message in str(refused.value)


def test_a_rule_is_a_frozen_value() -> None:
    (rule,) = parse_rules([one_rule()])
    with pytest.raises(dataclasses.FrozenInstanceError):
        rule.name = "other"  # type: ignore[misc]
