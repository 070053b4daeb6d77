"""The webhook's JSON payload, its delivery id and its signature.

One change posts::

    {"event": "change", "id": "<delivery id>",
     "article": {"id", "url", "source", "title"}, "version": N, "seen_at": "<ISO 8601>",
     "change": <the card, as in show --json>, "diff_url": "...", "diff": [{"op", "text"}, ...]}

A new article's version 0 (for a rule with ``on_new_article``) posts the same
with ``"event": "new_article"`` and ``"change": null``; ``redline notify test``
posts ``"event": "test"``; a digest posts ``{"event": "digest", "id", "changes":
[...]}``, each change as above without ``event`` and ``id``. The id is the
delivery's, the same on every retry, so a receiver can drop repeats. With a
secret, ``X-Redline-Signature: sha256=<hex>`` is the HMAC-SHA256 of the raw body.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from collections.abc import Sequence
from typing import Any

from ..model import ChangeCard
from ._event import ChangeEvent

__all__ = [
    "SIGNATURE_HEADER",
    "card_document",
    "new_delivery_id",
    "sign",
    "webhook_body",
    "webhook_event",
]

SIGNATURE_HEADER = "X-Redline-Signature"


def new_delivery_id() -> str:
    """A fresh delivery id: random, so ids from two redline databases never meet."""
    return str(uuid.uuid4())


def webhook_event(events: Sequence[ChangeEvent], *, test: bool = False) -> str:
    """What ``"event"`` says of a delivery of ``events``."""
    if test:
        return "test"
    if len(events) > 1:
        return "digest"
    return "new_article" if events[0].is_new_article else "change"


def webhook_body(events: Sequence[ChangeEvent], *, delivery_id: str, test: bool = False) -> bytes:
    """The JSON body posted for a delivery of ``events`` (one, or a digest of several)."""
    kind = webhook_event(events, test=test)
    document: dict[str, Any] = {"event": kind, "id": delivery_id}
    if kind == "digest":
        document["changes"] = [_change_document(event) for event in events]
    else:
        document |= _change_document(events[0])
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


def sign(body: bytes, secret: str) -> str:
    """The ``X-Redline-Signature`` value of ``body``: ``sha256=`` and the hex HMAC-SHA256."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def card_document(card: ChangeCard) -> dict[str, Any]:
    """The card as ``redline show --json`` gives it in a version's ``"change"``."""
    return {
        "kinds": [kind.value for kind in card.kinds],
        "significance": card.significance,
        "summary": card.summary,
        "reasons": list(card.reasons),
        "sentences": {
            "added": card.sentences.added,
            "deleted": card.sentences.deleted,
            "edited": card.sentences.edited,
            "moved": card.sentences.moved,
        },
        "numbers": [{"old": number.old, "new": number.new} for number in card.numbers],
        "revert_of": card.revert_of,
    }


def _change_document(event: ChangeEvent) -> dict[str, Any]:
    return {
        "article": {
            "id": event.article_id,
            "url": event.url,
            "source": event.source,
            "title": event.title,
        },
        "version": event.version,
        "seen_at": event.seen_at.isoformat(),
        "change": None if event.card is None else card_document(event.card),
        "diff_url": event.diff_url,
        "diff": [{"op": op.op, "text": op.text} for op in event.ops],
    }
