"""Notifications: the ``[[notify]]`` rules, the messages they send, and their senders.

The layer the outbox and ``redline notify`` plug into; it never touches the
store. A :class:`ChangeEvent` (built by :func:`change_event` from two versions
and the new one's card) is matched against each :class:`Rule`
(:meth:`Rule.matches`); a :class:`Delivery` of one event, or a digest of
several, is sent by the rule's :class:`Sender` (:func:`make_sender`), which
raises a :class:`~redline.errors.DeliveryError` with a ``kind`` on failure.
Private modules:

- ``_rules``: the rules and ``[delivery]`` settings, parsed and checked;
- ``_event``: the change event and its changed passages;
- ``_messages``: titles and bodies for people, by Jinja2 templates a rule can override;
- ``_payload``: the webhook's JSON body, delivery ids and the HMAC signature;
- ``_senders``: apprise's sender and the webhook's, both refusing private addresses.
"""

from ._event import ChangeEvent, Passage, change_event, changed_passages
from ._messages import (
    DEFAULT_TEMPLATES,
    Message,
    Templates,
    render_digest,
    render_message,
    sample_event,
)
from ._payload import SIGNATURE_HEADER, card_document, new_delivery_id, sign, webhook_body
from ._rules import DeliverySettings, Rule, parse_delivery, parse_rules
from ._senders import AppriseSender, Delivery, Sender, WebhookSender, make_sender

__all__ = [
    "AppriseSender",
    "ChangeEvent",
    "DEFAULT_TEMPLATES",
    "Delivery",
    "DeliverySettings",
    "Message",
    "Passage",
    "Rule",
    "SIGNATURE_HEADER",
    "Sender",
    "Templates",
    "WebhookSender",
    "card_document",
    "change_event",
    "changed_passages",
    "make_sender",
    "new_delivery_id",
    "parse_delivery",
    "parse_rules",
    "render_digest",
    "render_message",
    "sample_event",
    "sign",
    "webhook_body",
]
