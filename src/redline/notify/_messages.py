"""Messages for people: a title and a plain-text body for one change, or a digest of several.

The title reads ``<source>: <headline> — <summary>``; the body gives the card's
summary, the headline change, each changed passage as ``Before: …`` /
``After: …`` (``Added: …``, ``Removed: …``) and the link to the diff. Both are
Jinja2 templates a ``[[notify]]`` rule can override: sandboxed (a template
from the config file calls no Python it is not given) and without HTML
escaping (the message is text). The values handed to a template are bounded
and stripped of control characters, so no article, however long or hostile,
makes a message that a channel refuses or a terminal mail reader obeys.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from ..errors import TemplateError
from ..images import printable
from ..model import ChangeCard, ChangeKind, NumberChange, SentenceCounts
from ..timefmt import format_time
from ._event import ChangeEvent, Passage

__all__ = [
    "DEFAULT_TEMPLATES",
    "Message",
    "Templates",
    "check_template",
    "render_digest",
    "render_message",
    "sample_event",
]

_PASSAGE_CHARACTERS = 600
"""How much of one passage a message quotes: a paragraph, not a page."""
_PASSAGES_SHOWN = 8
_EVENTS_SHOWN = 25
"""How many changes a digest spells out; the rest it counts."""
_TITLE_CHARACTERS = 250
"""Titles longer than this are cut: e-mail subjects and push titles are one short line."""


@dataclass(frozen=True)
class Templates:
    """A rule's own Jinja2 templates (``title_template``, ...); None keeps the default."""

    title: str | None = None
    body: str | None = None
    digest_title: str | None = None
    digest_body: str | None = None


DEFAULT_TEMPLATES = Templates(
    title="{{ source }}: {{ article.title }} — {{ summary }}",
    body="""\
{{ summary }}
{% if old_title %}

Headline before: {{ old_title }}
Headline after: {{ article.title }}
{% endif %}
{% for passage in passages %}

{% if passage.before is none %}
Added: {{ passage.after }}
{% elif passage.after is none %}
Removed: {{ passage.before }}
{% else %}
Before: {{ passage.before }}
After: {{ passage.after }}
{% endif %}
{% endfor %}
{% if more_passages %}

… and {{ more_passages }} more changed passage{{ "s" if more_passages > 1 }}.
{% endif %}

{{ link }}
""",
    digest_title="redline: {{ count }} changes — {{ sources | join(', ') }}",
    digest_body="""\
{% for change in changes %}
{{ change.source }}: {{ change.article.title }} — {{ change.summary }}
{% for passage in change.passages[:2] %}
{% if passage.before is none %}
  Added: {{ passage.after }}
{% elif passage.after is none %}
  Removed: {{ passage.before }}
{% else %}
  Before: {{ passage.before }}
  After: {{ passage.after }}
{% endif %}
{% endfor %}
  {{ change.link }}

{% endfor %}
{% if more_changes %}
… and {{ more_changes }} more change{{ "s" if more_changes > 1 }}.
{% endif %}
""",
)


@dataclass(frozen=True)
class Message:
    """What a channel shows: a one-line title and a plain-text body."""

    title: str
    body: str


def render_message(event: ChangeEvent, templates: Templates, *, rule: str) -> Message:
    """The message of one change, by ``templates`` where they are set.

    Raises:
        TemplateError: a rule's template failed on this change.
    """
    context = _event_context(event)
    return Message(
        title=_one_line(_render(templates.title, DEFAULT_TEMPLATES.title, context, rule)),
        body=_render(templates.body, DEFAULT_TEMPLATES.body, context, rule).strip() + "\n",
    )


def render_digest(events: Sequence[ChangeEvent], templates: Templates, *, rule: str) -> Message:
    """One message folding several changes, newest last as given.

    Raises:
        TemplateError: a rule's digest template failed on these changes.
    """
    context = _digest_context(events)
    title = _render(templates.digest_title, DEFAULT_TEMPLATES.digest_title, context, rule)
    body = _render(templates.digest_body, DEFAULT_TEMPLATES.digest_body, context, rule)
    return Message(title=_one_line(title), body=body.strip() + "\n")


def check_template(source: str, *, digest: bool) -> None:
    """Compile ``source`` and render it on a sample change (or digest of two).

    So a template with a syntax error or a misspelt name (``{{ artcle.title }}``)
    fails when the config loads, not at the first change.

    Raises:
        Exception: jinja2's TemplateSyntaxError, UndefinedError, ..., or what the template
            raised on the sample (``{{ 1 + "a" }}``: TypeError).
    """
    sample = sample_event()
    context = _digest_context((sample, sample)) if digest else _event_context(sample)
    _compiled(source).render(context)


def sample_event(now: datetime | None = None) -> ChangeEvent:
    """A made-up change, for checking templates and for ``redline notify test``."""
    seen_at = now or datetime(2026, 1, 1, tzinfo=UTC)
    card = ChangeCard(
        kinds=(ChangeKind.NUMBERS, ChangeKind.STEALTH),
        significance=0.6,
        summary="1 number changed (90% → 95%).",
        reasons=("a number changed",),
        sentences=SentenceCounts(edited=1),
        words_changed=0.02,
        numbers=(NumberChange("90%", "95%"),),
        revert_of=None,
        classifier_version="test",
    )
    return ChangeEvent(
        article_id=0,
        url="https://news.example/redline-test",
        source="redline",
        title="This is a test message from redline",
        version=1,
        seen_at=seen_at,
        card=card,
        passages=(Passage("Shares surged 90% this year.", "Shares surged 95% this year."),),
        diff_url="https://news.example/redline-test",
    )


# --- rendering ---------------------------------------------------------------------------


@functools.cache
def _environment() -> SandboxedEnvironment:
    environment = SandboxedEnvironment(
        autoescape=False,  # text messages: HTML escaping would show "&amp;" to the reader
        undefined=jinja2.StrictUndefined,  # a misspelt name fails, never renders as ""
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["time"] = format_time
    return environment


@functools.lru_cache(maxsize=256)
def _compiled(source: str) -> jinja2.Template:
    return _environment().from_string(source)


def _render(source: str | None, default: str | None, context: Mapping[str, Any], rule: str) -> str:
    template = source if source is not None else default
    assert template is not None  # every default is set
    try:
        return _compiled(template).render(context)
    except Exception as exc:  # a rule's template may raise anything the sandbox lets through
        raise TemplateError(
            f"notify rule {rule!r}: its template failed: {_one_line(str(exc))}", rule=rule
        ) from exc


def _event_context(event: ChangeEvent) -> dict[str, Any]:
    passages = [_bounded(passage) for passage in event.passages[:_PASSAGES_SHOWN]]
    card = event.card
    return {
        "article": {
            "id": event.article_id,
            "url": event.url,
            "source": event.source,
            "title": _clean(event.title, _TITLE_CHARACTERS),
        },
        "source": _clean(event.source_name, _TITLE_CHARACTERS),
        "version": event.version,
        "seen_at": event.seen_at,
        "card": card,
        "summary": _summary(event),
        "kinds": [kind.value for kind in card.kinds] if card else [],
        "significance": card.significance if card else None,
        "old_title": None if event.old_title is None else _clean(event.old_title),
        "passages": passages,
        "more_passages": len(event.passages) - len(passages),
        "diff_url": event.diff_url,
        "link": event.link,
    }


def _digest_context(events: Sequence[ChangeEvent]) -> dict[str, Any]:
    shown = [_event_context(event) for event in events[:_EVENTS_SHOWN]]
    return {
        "changes": shown,
        "count": len(events),
        "more_changes": len(events) - len(shown),
        "sources": sorted({change["source"] for change in shown}),
    }


def _summary(event: ChangeEvent) -> str:
    if event.card is not None:
        return _clean(event.card.summary)
    return "new article" if event.is_new_article else "changed"


def _bounded(passage: Passage) -> Passage:
    return Passage(
        None if passage.before is None else _clean(passage.before),
        None if passage.after is None else _clean(passage.after),
    )


def _clean(text: str, limit: int = _PASSAGE_CHARACTERS) -> str:
    """``text`` without control characters, cut to ``limit`` characters with an ellipsis."""
    text = printable(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _one_line(text: str) -> str:
    return _clean(" ".join(text.split()), _TITLE_CHARACTERS)
