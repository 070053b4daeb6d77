"""Settings, read from a TOML file (see ``config.example.toml``).

Every setting has a default, so redline runs with no file at all. Unknown
sections or keys are an error: a misspelt setting silently ignored is worse
than a clear message. So is a value that loads and fails later: every number
is finite and within bounds (durations at most :data:`MAX_DURATION`), and the
user agent is a valid HTTP header value.
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ._version import __version__
from .errors import ConfigError

if TYPE_CHECKING:
    from .notify import Rule

__all__ = [
    "Config",
    "DeliverySettings",
    "FastPathConfig",
    "FetchConfig",
    "MAX_DURATION",
    "ScheduleConfig",
    "SiteRule",
    "VersionPolicy",
    "WebConfig",
    "load_config",
    "parse_duration",
    "rule_toml",
    "site_rule",
]

DEFAULT_USER_AGENT = (
    f"redline/{__version__} (news article version tracker; +https://pypi.org/project/redline/)"
)

MAX_DURATION = timedelta(days=3650)
"""The longest duration a setting takes, ten years: a longer one is a typo, and times that
far ahead soon leave what a datetime (and the database) can hold."""

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*$")
_UNIT_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_HEADER_VALUE = re.compile(r"[!-~]+(?: [!-~]+)*")
"""Printable ASCII words separated by single spaces: a header value every HTTP stack sends."""
_MAX_SECONDS = 3600.0
"""The longest time limit or delay between requests: an hour."""


def parse_duration(value: object, *, name: str = "duration") -> timedelta:
    """Turn ``"30m"``, ``"12h"``, ``"40d"`` or a number of seconds into a timedelta."""
    if isinstance(value, bool):
        raise ConfigError(f"{name}: expected a duration like '30m', got {value!r}")
    if isinstance(value, int | float):
        seconds = float(value)
    elif isinstance(value, str) and (match := _DURATION.match(value)):
        seconds = float(match[1]) * _UNIT_SECONDS[match[2]]
    else:
        raise ConfigError(f"{name}: expected a duration like '30m', '12h' or '40d', got {value!r}")
    if math.isnan(seconds) or seconds < 0:
        raise ConfigError(f"{name}: a duration cannot be negative or NaN")
    if seconds > MAX_DURATION.total_seconds():
        raise ConfigError(f"{name}: at most {MAX_DURATION.days}d (ten years), got {value!r}")
    return timedelta(seconds=seconds)


@dataclass(frozen=True)
class FetchConfig:
    """How pages are fetched (``[fetch]``)."""

    timeout: float = 30.0
    max_bytes: int = 10_000_000
    max_redirects: int = 10
    user_agent: str = DEFAULT_USER_AGENT
    allow_private_networks: bool = False
    concurrency: int = 16
    per_host_concurrency: int = 2
    per_host_delay: float = 1.0
    respect_robots: bool = True


@dataclass(frozen=True)
class ScheduleConfig:
    """When articles are re-checked (``[schedule]``)."""

    after_change: timedelta = timedelta(minutes=30)
    backoff: float = 1.2
    jitter: float = 0.1
    stop_after: timedelta = timedelta(days=40)
    source_interval: timedelta = timedelta(minutes=10)
    lease: timedelta = timedelta(minutes=15)


@dataclass(frozen=True)
class FastPathConfig:
    """The learned fast path for unchanged pages (``[fastpath]``).

    A check whose page still holds the article where it was found, with the
    same text, headline and byline, is recorded as unchanged without the full
    extractor. Every ``full_every``-th check, and any check once the rule is
    ``full_after`` old, extracts in full anyway.
    """

    enabled: bool = True
    full_every: int = 10
    full_after: timedelta = timedelta(hours=24)


@dataclass(frozen=True)
class VersionPolicy:
    """Which changed texts count as a new version (``[versions]``).

    A text is always a new version if it differs from the latest one, except:
    with ``ignore_seen_before`` a text identical to any earlier version (a CMS
    cache flipping back, A → B → A) is recorded as a check but not as a new
    version, until the next check sees it again: then it is a revert, a version
    whose change card names the version it returns to; with
    ``ignore_punctuation_only`` neither is a change that alters only whitespace
    or punctuation. A text shorter than ``suspect_shrink``
    times the latest one is held back (a check with outcome ``suspect``) and
    becomes a version only when the next check sees it again: a sudden loss of
    most of the text is far more often a broken extraction than an edit. 0
    turns the hold off.
    """

    ignore_seen_before: bool = True
    ignore_punctuation_only: bool = True
    suspect_shrink: float = 0.5


@dataclass(frozen=True)
class SiteRule:
    """Extraction rule for one site (``[[sites]]``): CSS selectors for its pages.

    ``host`` matches the page's host and its subdomains (``example.com``
    matches ``www.example.com``).
    """

    host: str
    body: str | None = None
    title: str | None = None
    byline: str | None = None
    drop: tuple[str, ...] = ()

    def matches(self, host: str) -> bool:
        host = host.lower().rstrip(".")
        return host == self.host or host.endswith("." + self.host)


@dataclass(frozen=True)
class WebConfig:
    """The web archive, ``redline serve`` (``[web]``)."""

    base_url: str | None = None
    """The archive's public address, any path prefix included: feeds' links start with it.
    None: the address each request came to (its Host header)."""


@dataclass(frozen=True)
class DeliverySettings:
    """How notifications are retried (``[delivery]``), for every ``[[notify]]`` rule."""

    max_attempts: int = 10
    """After this many failed attempts a delivery is given up, and ``status`` raises an alarm."""
    backoff: timedelta = timedelta(minutes=1)
    """The wait after the first failure; it doubles with each further one."""
    max_backoff: timedelta = timedelta(hours=6)
    timeout: float = 30.0
    """Seconds one attempt may take, connecting and sending together."""

    def retry_delay(self, failures: int) -> timedelta:
        """How long to wait before the next attempt, after ``failures`` failed ones (≥ 1)."""
        doublings = min(max(failures - 1, 0), 40)  # 2**40 minutes is past any max_backoff
        return min(self.backoff * (1 << doublings), self.max_backoff)


@dataclass(frozen=True)
class Config:
    """All of redline's settings."""

    database: str | None = None
    fetch: FetchConfig = field(default_factory=FetchConfig)
    schedule: ScheduleConfig = field(default_factory=ScheduleConfig)
    versions: VersionPolicy = field(default_factory=VersionPolicy)
    fastpath: FastPathConfig = field(default_factory=FastPathConfig)
    sites: tuple[SiteRule, ...] = ()
    web: WebConfig = field(default_factory=WebConfig)
    notify: tuple[Rule, ...] = ()
    """The ``[[notify]]`` rules: who hears of which changes (see :mod:`redline.notify`)."""
    delivery: DeliverySettings = field(default_factory=DeliverySettings)


def load_config(path: str | Path | None) -> Config:
    """Read the TOML file at ``path``; ``None`` gives the defaults."""
    if path is None:
        return Config()
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from exc
    return config_from_dict(data)


def config_from_dict(data: Mapping[str, Any]) -> Config:
    """Build a :class:`Config` from parsed TOML, checking every key and type."""
    sections = {"database", "fetch", "schedule", "versions", "fastpath", "sites", "web"}
    sections |= {"notify", "delivery"}
    _reject_unknown(data, sections, "config")
    database = data.get("database", {})
    _reject_unknown(database, {"url"}, "[database]")
    sites = data.get("sites", [])
    if not isinstance(sites, list):
        raise ConfigError("sites: expected a list of [[sites]] tables")
    return Config(
        database=_typed(database, "url", str, None, "[database]"),
        fetch=_fetch_config(data.get("fetch", {})),
        schedule=_schedule_config(data.get("schedule", {})),
        versions=_version_policy(data.get("versions", {})),
        fastpath=_fastpath_config(data.get("fastpath", {})),
        sites=tuple(_site_rule(site) for site in sites),
        web=_web_config(data.get("web", {})),
        **_notify_config(data),
    )


def _notify_config(data: Mapping[str, Any]) -> dict[str, Any]:
    """``[[notify]]`` and ``[delivery]``, if set.

    Read by redline.notify, imported only for a config that has them: apprise, which
    checks the rules' URLs, takes a tenth of a second to import, and every command
    reads the config.
    """
    if "notify" not in data and "delivery" not in data:
        return {}
    from .notify import parse_delivery, parse_rules

    return {
        "notify": parse_rules(data.get("notify", [])),
        "delivery": parse_delivery(data.get("delivery", {})),
    }


def _fetch_config(table: Mapping[str, Any]) -> FetchConfig:
    where = "[fetch]"
    _reject_unknown(table, {f.name for f in dataclasses.fields(FetchConfig)}, where)
    default = FetchConfig()
    return FetchConfig(
        timeout=_number(table, "timeout", default.timeout, where, high=_MAX_SECONDS),
        max_bytes=_count(table, "max_bytes", default.max_bytes, where, high=2**30),
        max_redirects=_count(table, "max_redirects", default.max_redirects, where, low=0, high=100),
        user_agent=_user_agent(table, default.user_agent, where),
        allow_private_networks=_typed(
            table, "allow_private_networks", bool, default.allow_private_networks, where
        ),
        concurrency=_count(table, "concurrency", default.concurrency, where, high=1024),
        per_host_concurrency=_count(
            table, "per_host_concurrency", default.per_host_concurrency, where, high=1024
        ),
        per_host_delay=_number(
            table, "per_host_delay", default.per_host_delay, where, low=0, high=_MAX_SECONDS
        ),
        respect_robots=_typed(table, "respect_robots", bool, default.respect_robots, where),
    )


def _number(
    table: Mapping[str, Any],
    key: str,
    default: float,
    where: str,
    *,
    low: float | None = None,
    high: float,
) -> float:
    """A finite number from ``low`` (None: above 0) to ``high``."""
    value = float(_typed(table, key, (int, float), default, where))
    if not math.isfinite(value):
        raise ConfigError(f"{where} {key}: must be a finite number, got {value}")
    if value > high or (value <= 0 if low is None else value < low):
        lowest = "positive" if low is None else f"at least {low:g}"
        raise ConfigError(f"{where} {key}: must be {lowest} and at most {high:g}, got {value:g}")
    return value


def _count(
    table: Mapping[str, Any], key: str, default: int, where: str, *, low: int = 1, high: int
) -> int:
    """A whole number from ``low`` to ``high``."""
    value: int = _typed(table, key, int, default, where)
    if not low <= value <= high:
        lowest = "positive" if low == 1 else f"at least {low}"
        raise ConfigError(f"{where} {key}: must be {lowest} and at most {high}, got {value}")
    return value


def _user_agent(table: Mapping[str, Any], default: str, where: str) -> str:
    value: str = _typed(table, "user_agent", str, default, where)
    if not _HEADER_VALUE.fullmatch(value):
        raise ConfigError(
            f"{where} user_agent: must be a valid HTTP header value: printable ASCII, no"
            f" control characters or surrounding spaces, got {value!r}"
        )
    return value


def _schedule_config(table: Mapping[str, Any]) -> ScheduleConfig:
    where = "[schedule]"
    _reject_unknown(table, {f.name for f in dataclasses.fields(ScheduleConfig)}, where)
    default = ScheduleConfig()
    config = ScheduleConfig(
        after_change=_duration(table, "after_change", default.after_change, where),
        backoff=_number(table, "backoff", default.backoff, where, low=1, high=100),
        jitter=_fraction(table, "jitter", default.jitter, where),
        stop_after=_duration(table, "stop_after", default.stop_after, where),
        source_interval=_duration(table, "source_interval", default.source_interval, where),
        lease=_duration(table, "lease", default.lease, where),
    )
    for name in ("after_change", "source_interval", "lease"):
        if getattr(config, name).total_seconds() <= 0:
            raise ConfigError(f"{where} {name}: must be positive")
    return config


def _duration(table: Mapping[str, Any], key: str, default: timedelta, where: str) -> timedelta:
    return parse_duration(table.get(key, default.total_seconds()), name=f"{where} {key}")


def _fastpath_config(table: Mapping[str, Any]) -> FastPathConfig:
    where = "[fastpath]"
    _reject_unknown(table, {f.name for f in dataclasses.fields(FastPathConfig)}, where)
    default = FastPathConfig()
    config = FastPathConfig(
        enabled=_typed(table, "enabled", bool, default.enabled, where),
        full_every=_count(table, "full_every", default.full_every, where, high=1_000_000),
        full_after=_duration(table, "full_after", default.full_after, where),
    )
    if config.full_after.total_seconds() <= 0:
        raise ConfigError(f"{where} full_after: must be positive")
    return config


def _version_policy(table: Mapping[str, Any]) -> VersionPolicy:
    where = "[versions]"
    _reject_unknown(table, {f.name for f in dataclasses.fields(VersionPolicy)}, where)
    default = VersionPolicy()
    return VersionPolicy(
        ignore_seen_before=_typed(
            table, "ignore_seen_before", bool, default.ignore_seen_before, where
        ),
        ignore_punctuation_only=_typed(
            table, "ignore_punctuation_only", bool, default.ignore_punctuation_only, where
        ),
        suspect_shrink=_fraction(table, "suspect_shrink", default.suspect_shrink, where),
    )


def _fraction(table: Mapping[str, Any], key: str, default: float, where: str) -> float:
    value = float(_typed(table, key, (int, float), default, where))
    if not 0 <= value < 1:
        raise ConfigError(f"{where} {key}: must be at least 0 and below 1")
    return value


def _web_config(table: Mapping[str, Any]) -> WebConfig:
    where = "[web]"
    _reject_unknown(table, {f.name for f in dataclasses.fields(WebConfig)}, where)
    base_url = _typed(table, "base_url", str, None, where)
    return WebConfig(base_url=None if base_url is None else _base_url(base_url, where))


def _base_url(value: str, where: str) -> str:
    """``value`` if it is an absolute http(s) URL a feed may link under, without a slash
    at the end; else ConfigError."""
    if "?" in value or "#" in value:
        raise ConfigError(f"{where} base_url: cannot have a query or fragment, got {value!r}")
    if not _is_web_address(value):
        raise ConfigError(
            f"{where} base_url: expected an absolute http(s) URL like "
            f"https://example.org/news, got {value!r}"
        )
    return value.rstrip("/")


def _is_web_address(value: str) -> bool:
    """Whether ``value`` is an http(s) URL with a host and, if any, a port that can be."""
    parts = urlsplit(value)
    try:
        port_ok = parts.port is None or parts.port > 0
    except ValueError:  # not a number from 0 to 65535
        return False
    plain = value.isprintable() and " " not in value
    return plain and port_ok and parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def site_rule(table: Mapping[str, Any]) -> SiteRule:
    """A ``[[sites]]`` rule from its settings, checked as the config file's are.

    Raises:
        ConfigError: no host, an unknown setting, or an invalid CSS selector.
    """
    return _site_rule(table)


def rule_toml(rule: SiteRule) -> str:
    """``rule`` as the ``[[sites]]`` table to paste into a config file."""
    lines = ["[[sites]]", f"host = {json.dumps(rule.host)}"]
    for key in ("title", "body", "byline"):
        if (selector := getattr(rule, key)) is not None:
            lines.append(f"{key} = {json.dumps(selector)}")
    if rule.drop:
        lines.append(f"drop = [{', '.join(json.dumps(selector) for selector in rule.drop)}]")
    return "\n".join(lines)


def _site_rule(table: object) -> SiteRule:
    where = "[[sites]]"
    if not isinstance(table, Mapping):
        raise ConfigError(f"{where}: each entry must be a table")
    _reject_unknown(table, {f.name for f in dataclasses.fields(SiteRule)}, where)
    host = _typed(table, "host", str, None, where)
    if not host:
        raise ConfigError(f"{where}: every rule needs a host")
    drop = table.get("drop", [])
    if not isinstance(drop, list) or not all(isinstance(item, str) for item in drop):
        raise ConfigError(f"{where} drop: expected a list of CSS selectors")
    for selector in (*drop, *(table.get(key) for key in ("body", "title", "byline"))):
        _check_selector(selector, where)
    return SiteRule(
        host=host.lower().rstrip("."),
        body=_typed(table, "body", str, None, where),
        title=_typed(table, "title", str, None, where),
        byline=_typed(table, "byline", str, None, where),
        drop=tuple(drop),
    )


def _check_selector(selector: object, where: str) -> None:
    if not isinstance(selector, str):
        return  # a missing selector, or a wrong type that _typed reports
    import soupsieve  # only for a config with [[sites]] rules: it takes ~0.1 s to load

    try:
        soupsieve.compile(selector)
    except soupsieve.SelectorSyntaxError as exc:
        first_line = str(exc).splitlines()[0]
        raise ConfigError(f"{where}: invalid CSS selector {selector!r}: {first_line}") from None


def _reject_unknown(table: object, known: set[str], where: str) -> None:
    if not isinstance(table, Mapping):
        raise ConfigError(f"{where}: expected a table")
    unknown = sorted(set(table) - known)
    if unknown:
        raise ConfigError(f"{where}: unknown setting {unknown[0]!r}")


def _typed(
    table: Mapping[str, Any], key: str, kind: type | tuple[type, ...], default: Any, where: str
) -> Any:
    value = table.get(key, default)
    if value is default:
        return value
    wrong_bool = isinstance(value, bool) and kind is not bool
    if wrong_bool or not isinstance(value, kind):
        raise ConfigError(f"{where} {key}: unexpected value {value!r}")
    return value
