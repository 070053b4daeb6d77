"""The ``[[notify]]`` rules and the ``[delivery]`` settings, checked when the config loads.

Every failure is a :class:`~redline.errors.ConfigError` of one line naming the
rule and the key: apprise URLs are checked by apprise, webhook URLs as every
URL redline requests, kinds against :class:`~redline.model.ChangeKind`, and
templates compiled and rendered on a sample change.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import apprise

# config.py's own checks, so that [[notify]] reads and fails as every other section
from ..config import DeliverySettings, _reject_unknown, _typed, parse_duration
from ..errors import ConfigError, InvalidURLError
from ..model import ChangeKind
from ..urls import checked_url
from ._event import ChangeEvent
from ._messages import Templates, check_template

__all__ = ["DeliverySettings", "Rule", "parse_delivery", "parse_rules"]

_TEMPLATE_KEYS = {
    "title_template": ("title", False),
    "body_template": ("body", False),
    "digest_title_template": ("digest_title", True),
    "digest_body_template": ("digest_body", True),
}
"""Each template key, the :class:`Templates` field it sets, and whether it renders digests."""
_RULE_KEYS = {
    "name",
    "urls",
    "webhook",
    "secret",
    "sources",
    "kinds",
    "min_significance",
    "digest",
    "attach_image",
    "on_new_article",
    "max_per_hour",
    *_TEMPLATE_KEYS,
}
_Targets = tuple[tuple[str, ...], str | None, str | None]
"""A rule's apprise URLs, its webhook and the webhook's secret."""
_MAX_PER_HOUR = 3600
_LONGEST_WAIT = timedelta(days=7)
"""The longest digest period or retry back-off: a week. Longer is a typo, and news stale."""


@dataclass(frozen=True)
class Rule:
    """One ``[[notify]]`` rule: which changes it tells of, and where it sends them."""

    name: str
    urls: tuple[str, ...] = ()
    """apprise URLs; empty when the rule posts to a ``webhook``."""
    webhook: str | None = None
    secret: str | None = None
    """The webhook's HMAC-SHA256 key (``X-Redline-Signature``), if set."""
    sources: frozenset[str] | None = None
    """Only changes of articles of these sources; None: of every source."""
    kinds: frozenset[ChangeKind] | None = None
    """Only changes of at least one of these kinds; None: of any kind."""
    min_significance: float = 0.0
    digest: timedelta | None = None
    """One message per period of this length instead of one per change."""
    attach_image: bool = False
    on_new_article: bool = False
    """Also tell of a new article's first version (which is not a change)."""
    max_per_hour: int | None = None
    """More changes than this in an hour are folded into a digest."""
    templates: Templates = field(default_factory=Templates)

    def matches(self, event: ChangeEvent) -> bool:
        """Whether this rule tells of ``event``."""
        if self.sources is not None and event.source not in self.sources:
            return False
        if event.is_new_article or event.card is None:
            return self.on_new_article and event.is_new_article
        if self.kinds is not None and self.kinds.isdisjoint(event.card.kinds):
            return False
        return event.card.significance >= self.min_significance


def parse_rules(raw: object, *, where: str = "[[notify]]") -> tuple[Rule, ...]:
    """The ``[[notify]]`` rules from parsed TOML (a list of tables), each checked.

    Raises:
        ConfigError: one line naming the rule and the key that is wrong.
    """
    if not isinstance(raw, list):
        raise ConfigError(f"{where}: expected a list of [[notify]] tables")
    rules = tuple(_rule(table, where) for table in raw)
    seen: set[str] = set()
    for rule in rules:
        if rule.name in seen:
            raise ConfigError(f"{where} name: two rules are named {rule.name!r}")
        seen.add(rule.name)
    return rules


def parse_delivery(raw: object, *, where: str = "[delivery]") -> DeliverySettings:
    """The ``[delivery]`` settings from parsed TOML; a key left out keeps its default.

    Raises:
        ConfigError: one line naming the key that is wrong.
    """
    _reject_unknown(raw, {f.name for f in dataclasses.fields(DeliverySettings)}, where)
    assert isinstance(raw, Mapping)
    default = DeliverySettings()
    max_attempts = _typed(raw, "max_attempts", int, default.max_attempts, where)
    if not 1 <= max_attempts <= 1000:
        raise ConfigError(f"{where} max_attempts: must be positive and at most 1000")
    timeout = float(_typed(raw, "timeout", (int, float), default.timeout, where))
    if not 0 < timeout <= 3600:
        raise ConfigError(f"{where} timeout: must be positive and at most 3600 seconds")
    backoff = _wait(raw, "backoff", default.backoff, where)
    max_backoff = _wait(raw, "max_backoff", default.max_backoff, where)
    if max_backoff < backoff:
        raise ConfigError(f"{where} max_backoff: must be at least backoff")
    return DeliverySettings(max_attempts, backoff, max_backoff, timeout)


def _rule(table: object, where: str) -> Rule:
    if not isinstance(table, Mapping):
        raise ConfigError(f"{where}: each entry must be a table")
    name = _typed(table, "name", str, None, where)
    if not name or not name.strip():
        raise ConfigError(f"{where}: every rule needs a name")
    where = f"{where} {name!r}"
    _reject_unknown(table, _RULE_KEYS, where)
    urls, webhook, secret = _targets(table, where)
    min_significance = float(_typed(table, "min_significance", (int, float), 0.0, where))
    if not 0 <= min_significance <= 1:
        raise ConfigError(f"{where} min_significance: must be from 0 to 1")
    max_per_hour = _typed(table, "max_per_hour", int, None, where)
    if max_per_hour is not None and not 1 <= max_per_hour <= _MAX_PER_HOUR:
        raise ConfigError(f"{where} max_per_hour: must be positive and at most {_MAX_PER_HOUR}")
    digest = table.get("digest")
    return Rule(
        name=name,
        urls=urls,
        webhook=webhook,
        secret=secret,
        sources=_names(table, "sources", where),
        kinds=_kinds(table, where),
        min_significance=min_significance,
        digest=None if digest is None else _wait(table, "digest", timedelta(), where),
        attach_image=_typed(table, "attach_image", bool, False, where),
        on_new_article=_typed(table, "on_new_article", bool, False, where),
        max_per_hour=max_per_hour,
        templates=_templates(table, where),
    )


def _targets(
    table: Mapping[str, Any], where: str
) -> tuple[tuple[str, ...], str | None, str | None]:
    """The rule's apprise ``urls`` or its ``webhook`` (exactly one) and the webhook's secret."""
    webhook = _typed(table, "webhook", str, None, where)
    secret = _typed(table, "secret", str, None, where)
    urls = _strings(table, "urls", where)
    if (webhook is None) == (urls is None):
        raise ConfigError(f"{where}: set either urls (apprise URLs) or webhook, not both")
    if secret is not None and (webhook is None or not secret):
        raise ConfigError(f"{where} secret: a non-empty key, for a webhook rule only")
    if webhook is not None:
        try:
            webhook = checked_url(webhook)
        except InvalidURLError as exc:
            raise ConfigError(f"{where} webhook: {exc}") from None
        return (), webhook, secret
    assert urls is not None
    if not urls:
        raise ConfigError(f"{where} urls: expected at least one apprise URL")
    for position, url in enumerate(urls, 1):
        if apprise.Apprise.instantiate(url) is None:
            # the URL may hold a password: the message names its scheme and place only
            scheme = urlsplit(url).scheme or url.partition(":")[0]
            raise ConfigError(
                f"{where} urls: URL {position} ({scheme}://…) is not one apprise can send to"
            )
    return urls, None, None


def _strings(table: Mapping[str, Any], key: str, where: str) -> tuple[str, ...] | None:
    value = table.get(key)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{where} {key}: expected a list of strings")
    return tuple(value)


def _names(table: Mapping[str, Any], key: str, where: str) -> frozenset[str] | None:
    names = _strings(table, key, where)
    return None if names is None else frozenset(names)


def _kinds(table: Mapping[str, Any], where: str) -> frozenset[ChangeKind] | None:
    names = _strings(table, "kinds", where)
    if names is None:
        return None
    valid = {kind.value for kind in ChangeKind}
    unknown = [name for name in names if name not in valid]
    if unknown:
        listed = ", ".join(kind.value for kind in ChangeKind)
        raise ConfigError(f"{where} kinds: unknown kind {unknown[0]!r} (valid: {listed})")
    return frozenset(ChangeKind(name) for name in names)


def _wait(table: Mapping[str, Any], key: str, default: timedelta, where: str) -> timedelta:
    """A positive duration of at most a week."""
    if key not in table:
        return default
    wait = parse_duration(table[key], name=f"{where} {key}")
    if not timedelta() < wait <= _LONGEST_WAIT:
        raise ConfigError(f"{where} {key}: must be positive and at most 7d, got {table[key]!r}")
    return wait


def _templates(table: Mapping[str, Any], where: str) -> Templates:
    sources: dict[str, str] = {}
    for key, (attribute, digest) in _TEMPLATE_KEYS.items():
        source = _typed(table, key, str, None, where)
        if source is None:
            continue
        try:
            check_template(source, digest=digest)
        except Exception as exc:  # a syntax error, a misspelt name, or what the sample raised
            first_line = (str(exc) or type(exc).__name__).splitlines()[0]
            raise ConfigError(f"{where} {key}: {first_line}") from None
        sources[attribute] = source
    return Templates(**sources)
