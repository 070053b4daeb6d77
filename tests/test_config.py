from __future__ import annotations

import dataclasses
import re
import tomllib
from datetime import timedelta
from pathlib import Path

import pytest

from redline.config import (
    Config,
    SiteRule,
    WebConfig,
    config_from_dict,
    load_config,
    parse_duration,
)
from redline.errors import ConfigError
from redline.notify._rules import _RULE_KEYS

EXAMPLE = Path(__file__).parents[1] / "config.example.toml"


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("2s", 2), ("30m", 1800), ("12h", 43200), ("40d", 3456000), ("1w", 604800), (90, 90)],
)
def test_durations(text: object, seconds: float) -> None:
    assert parse_duration(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize("bad", ["soon", "-3m", "3x", True, None])
def test_bad_durations(bad: object) -> None:
    with pytest.raises(ConfigError):
        parse_duration(bad)


def test_no_file_means_defaults() -> None:
    config = load_config(None)
    assert config == Config()
    assert config.fetch.max_bytes == 10_000_000 and not config.fetch.allow_private_networks
    assert config.schedule.after_change == timedelta(minutes=30)
    assert config.schedule.stop_after == timedelta(days=40) and config.schedule.backoff == 1.2


def test_the_example_file_sets_every_setting_and_loads() -> None:
    data = tomllib.loads(EXAMPLE.read_text())
    config = config_from_dict(data)
    assert config.sites and config.sites[0].host == "example.com"
    documented = {f"{section}.{key}" for section in ("fetch", "schedule") for key in data[section]}
    expected = {f"fetch.{name}" for name in vars(config.fetch)} | {
        f"schedule.{name}" for name in vars(config.schedule)
    }
    assert documented == expected


def test_the_example_file_documents_every_section_and_setting() -> None:
    text = EXAMPLE.read_text()
    for section in dataclasses.fields(Config):
        if section.name == "database":
            assert "[database]" in text and "# url = " in text
        elif section.name == "sites":
            assert "[[sites]]" in text
        elif section.name == "notify":
            assert "[[notify]]" in text
            for key in _RULE_KEYS:
                assert re.search(rf"^(# )?{key} = ", text, re.MULTILINE), key
        else:
            assert f"[{section.name}]" in text
            for setting in dataclasses.fields(getattr(Config(), section.name)):
                assert re.search(rf"^(# )?{setting.name} = ", text, re.MULTILINE), setting.name


@pytest.mark.parametrize(
    ("base_url", "kept"),
    [
        ("https://news.example.org/archive/", "https://news.example.org/archive"),
        ("http://[::1]:8000", "http://[::1]:8000"),
    ],
)
def test_the_web_base_url_is_an_absolute_web_address(base_url: str, kept: str) -> None:
    assert config_from_dict({"web": {"base_url": base_url}}).web == WebConfig(kept)


@pytest.mark.parametrize(
    "base_url",
    [
        "news.example.org",
        "/archive",
        "ftp://news.example.org/",
        "https://",
        "http://a:99999/",
        "https://a.example/?page=1",
        "https://a.example/#top",
        "https://a b/",
        "https://a/\n",
        3,
    ],
)
def test_a_web_base_url_that_is_not_one_is_refused(base_url: object) -> None:
    with pytest.raises(ConfigError, match=r"\[web\] base_url"):
        config_from_dict({"web": {"base_url": base_url}})


def test_site_rules_match_host_and_subdomains() -> None:
    (rule,) = config_from_dict({"sites": [{"host": "Example.com", "body": "article"}]}).sites
    assert rule == SiteRule(host="example.com", body="article")
    assert all(rule.matches(host) for host in ("www.example.com", "example.com", "EXAMPLE.com."))
    assert not rule.matches("notexample.com") and not rule.matches("example.com.evil.example")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"fetch": {"timeout": "slow"}}, r"\[fetch\] timeout"),
        ({"fetch": {"tiemout": 3}}, "unknown setting 'tiemout'"),
        ({"fetch": {"max_bytes": 0}}, "must be positive"),
        ({"fetch": {"allow_private_networks": "yes"}}, "allow_private_networks"),
        ({"schedule": {"backoff": 0.5}}, "backoff"),
        ({"schedule": {"after_change": "later"}}, "after_change"),
        ({"sites": [{"body": "article"}]}, "needs a host"),
        ({"sites": [{"host": "x.com", "drop": "aside"}]}, "list of CSS selectors"),
        ({"extra": {}}, "unknown setting 'extra'"),
        ({"sites": [{"host": "x.com", "body": "div[["}]}, "invalid CSS selector 'div\\[\\['"),
        ({"sites": [{"host": "x.com", "drop": ["ok", "a >> b"]}]}, "invalid CSS selector"),
    ],
)
def test_bad_settings_are_refused(data: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        config_from_dict(data)


def test_unreadable_and_invalid_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(tmp_path / "missing.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("[fetch\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(broken)
