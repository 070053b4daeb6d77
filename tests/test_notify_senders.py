"""The senders against real servers on 127.0.0.1: apprise to an SMTP server, and the webhook.

Loopback is a private network: these rules are sent with ``allow_private_networks``,
except where the refusal is what is tested.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import io
import json
from collections.abc import Sequence
from email.message import EmailMessage
from typing import Any

import httpx
import pytest
from PIL import Image

from changeevents import EVENT
from redline.errors import DeliveryError
from redline.notify import (
    ChangeEvent,
    Delivery,
    DeliverySettings,
    Sender,
    make_sender,
    parse_rules,
)
from smtpserver import free_port, smtp_server
from webhookreceiver import webhook_receiver

SETTINGS = DeliverySettings(timeout=5.0)


def sender(table: dict[str, Any], *, private: bool = True, **options: Any) -> Sender:
    (rule,) = parse_rules([{"name": "desk"} | table])
    return make_sender(rule, SETTINGS, allow_private_networks=private, **options)


def send(target: Sender, *events: ChangeEvent, delivery_id: str = "d-1") -> None:
    async def go() -> None:
        try:
            await target.send(Delivery(delivery_id, events))
        finally:
            await target.aclose()

    asyncio.run(go())


def failure(target: Sender, *events: ChangeEvent) -> DeliveryError:
    with pytest.raises(DeliveryError) as failed:
        send(target, *(events or (EVENT,)))
    return failed.value


def text_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    content = part.get_content()
    assert isinstance(content, str)
    return content.replace("\r\n", "\n")  # SMTP's line ends


def attachments(message: EmailMessage) -> Sequence[EmailMessage]:
    return list(message.iter_attachments())


# --- apprise, by e-mail -----------------------------------------------------------------


def test_an_email_carries_the_summary_the_before_and_after_and_the_link() -> None:
    with smtp_server() as server:
        send(sender({"urls": [server.mailto()]}), EVENT)
    (message,) = server.mailbox.messages
    assert message["To"] == "desk@example.com"
    assert message["Subject"] == "gazette: Shares surge — 1 number changed (90% → 95%)."
    body = text_of(message)
    assert body.startswith("1 number changed (90% → 95%).\n")
    assert "Before: Shares surged 90% this year.\nAfter: Shares surged 95% this year." in body
    assert "https://redline.example/articles/7/diff/2/3" in body


def test_an_email_attaches_the_change_image_when_the_rule_asks() -> None:
    with smtp_server() as server:
        send(sender({"urls": [server.mailto()], "attach_image": True}), EVENT)
        send(sender({"urls": [server.mailto()]}), EVENT)
    with_image, without = server.mailbox.messages
    (image,) = attachments(with_image)
    assert image.get_content_type() == "image/png"
    png = image.get_content()
    assert isinstance(png, bytes) and Image.open(io.BytesIO(png)).size[0] == 1200
    assert attachments(without) == []


def test_a_digest_is_one_email_for_several_changes() -> None:
    later = ChangeEvent(**(vars(EVENT) | {"version": 4, "title": "Shares slump"}))
    with smtp_server() as server:
        send(sender({"urls": [server.mailto()], "digest": "1h"}), EVENT, later)
    (message,) = server.mailbox.messages
    assert message["Subject"] == "redline: 2 changes — gazette"
    body = text_of(message)
    assert "gazette: Shares surge — 1 number changed" in body and "Shares slump" in body


def test_an_smtp_server_that_is_down_is_a_delivery_error_with_a_kind() -> None:
    url = f"mailto://127.0.0.1:{free_port()}?from=redline@example.com&to=desk@example.com"
    error = failure(sender({"urls": [url]}))
    assert error.kind == "delivery" and error.rule == "desk"
    assert str(error).startswith("notify rule 'desk': 1 of 1 services failed: ")
    assert "\n" not in str(error)


def test_an_smtp_server_at_a_private_address_is_refused_with_the_setting_named() -> None:
    with smtp_server() as server:
        error = failure(sender({"urls": [server.mailto()]}, private=False))
    assert error.kind == "delivery_refused"
    assert "127.0.0.1 is a loopback address" in str(error)
    assert "[fetch] allow_private_networks" in str(error)
    assert server.mailbox.messages == []


def test_an_apprise_host_resolving_to_a_private_address_is_refused() -> None:
    async def resolve(host: str) -> list[str]:
        return {"ntfy.example": ["192.168.4.2"]}.get(host, ["93.184.216.34"])

    error = failure(
        sender({"urls": ["ntfys://ntfy.example/desk"]}, private=False, resolver=resolve)
    )
    assert error.kind == "delivery_refused" and "192.168.4.2 is a private address" in str(error)


# --- the webhook ------------------------------------------------------------------------


def test_the_webhook_receives_the_json_signed_with_the_secret() -> None:
    with webhook_receiver() as receiver:
        send(sender({"webhook": receiver.url, "secret": "s3cret"}), EVENT, delivery_id="d-42")
    (request,) = receiver.received
    document = json.loads(request.body)
    assert document["event"] == "change" and document["id"] == "d-42"
    assert document["change"]["summary"] == "1 number changed (90% → 95%)."
    assert document["diff_url"] == "https://redline.example/articles/7/diff/2/3"
    expected = "sha256=" + hmac.new(b"s3cret", request.body, hashlib.sha256).hexdigest()
    assert request.headers["x-redline-signature"] == expected
    assert request.headers["content-type"] == "application/json"
    assert request.headers["x-redline-delivery"] == "d-42"


def test_without_a_secret_nothing_is_signed() -> None:
    with webhook_receiver() as receiver:
        send(sender({"webhook": receiver.url}), EVENT)
    assert "x-redline-signature" not in receiver.received[0].headers


def test_a_receiver_that_is_down_is_a_connect_error() -> None:
    error = failure(sender({"webhook": f"http://127.0.0.1:{free_port()}/hook"}))
    assert error.kind == "delivery_connect" and error.rule == "desk"
    assert "cannot reach the webhook" in str(error)


def test_a_receiver_answering_an_error_is_a_status_error() -> None:
    with webhook_receiver() as receiver:
        receiver.status = 503
        error = failure(sender({"webhook": receiver.url}))
    assert error.kind == "delivery_status" and error.status == 503
    assert len(receiver.received) == 1


def test_a_receiver_too_slow_is_a_timeout() -> None:
    (rule,) = parse_rules([{"name": "desk", "webhook": "https://hooks.example/x"}])

    async def slow(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(5)
        return httpx.Response(204)

    target = make_sender(
        rule,
        DeliverySettings(timeout=0.2),
        allow_private_networks=False,
        transport=httpx.MockTransport(slow),
    )
    error = failure(target)
    assert error.kind == "delivery_timeout" and "took over 0.2 s" in str(error)


def test_a_webhook_at_a_loopback_address_is_refused_before_any_connection() -> None:
    with webhook_receiver() as receiver:
        error = failure(sender({"webhook": receiver.url}, private=False))
    assert error.kind == "delivery_refused"
    assert "[fetch] allow_private_networks" in str(error)
    assert receiver.received == []


def test_a_webhook_host_resolving_to_a_private_address_is_refused() -> None:
    async def resolve(host: str) -> list[str]:
        return ["10.1.2.3"]

    error = failure(
        sender({"webhook": "https://hooks.example/redline"}, private=False, resolver=resolve)
    )
    assert error.kind == "delivery_refused" and "10.1.2.3 is a private address" in str(error)
