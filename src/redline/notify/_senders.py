"""The senders: one per ``[[notify]]`` rule, through apprise or redline's own webhook.

:meth:`Sender.send` delivers one :class:`Delivery` (a change, a digest or a
test) or raises a :class:`~redline.errors.DeliveryError` whose ``kind`` says
what failed, and nothing else: retrying is the outbox's job. Both refuse
targets at private addresses as fetches are refused, unless ``[fetch]
allow_private_networks``:

- the webhook connects through the fetcher's guarded network backend, which
  connects only to the addresses it resolved and checked (no DNS rebinding);
- apprise's services open their own connections, so each service's host is
  resolved and checked before a send. A host that does not resolve passes, as
  most services' URLs name a token rather than a host (``discord://id/token``)
  and connect to the service's fixed API; a DNS server that answers apprise's
  own lookup differently a moment later is not caught (the webhook is).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import apprise
import httpx
from apprise.attachment.memory import AttachMemory

from .._version import __version__
from ..errors import (
    BlockedAddressError,
    ConnectError,
    DeliveryConnectError,
    DeliveryError,
    DeliveryRefusedError,
    DeliveryStatusError,
    DeliveryTimeoutError,
    RedlineError,
)
from ..fetch import AddressGuard, Resolver
from ..fetch._fetcher import _tls_context  # one verifying TLS context, built once, as fetches
from ..fetch._netguard import guarded_transport
from ..images import render_change_png
from ._event import ChangeEvent
from ._messages import Message, render_digest, render_message
from ._payload import SIGNATURE_HEADER, sign, webhook_body, webhook_event
from ._rules import DeliverySettings, Rule

__all__ = ["AppriseSender", "Delivery", "Sender", "WebhookSender", "make_sender"]

_IMAGES_ATTACHED = 4
"""At most this many change images go with one message: what Mastodon takes on a post."""


@dataclass(frozen=True)
class Delivery:
    """One message to send: a change, or a digest of several (oldest first)."""

    id: str
    """Stays the same on every retry: the webhook's ``id``, by which receivers drop repeats."""
    events: tuple[ChangeEvent, ...]
    test: bool = False
    """A test message (``redline notify test``), of a sample change."""

    def message(self, rule: Rule) -> Message:
        """The delivery as ``rule``'s templates render it for people.

        Raises:
            TemplateError: a rule's template failed on it.
        """
        if len(self.events) > 1:
            return render_digest(self.events, rule.templates, rule=rule.name)
        return render_message(self.events[0], rule.templates, rule=rule.name)


class Sender(Protocol):
    """Sends one rule's deliveries."""

    rule: Rule

    async def send(self, delivery: Delivery) -> None:
        """Deliver it, or raise a DeliveryError (and nothing else)."""
        ...

    async def aclose(self) -> None:
        """Let go of connections; the sender is not used again."""
        ...


def make_sender(
    rule: Rule,
    settings: DeliverySettings,
    *,
    allow_private_networks: bool,
    resolver: Resolver | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> Sender:
    """The sender of ``rule``: its webhook's, or apprise's for its URLs.

    ``resolver`` looks up host names (default: the system's); ``transport``
    replaces the webhook's guarded network (tests: :class:`httpx.MockTransport`).
    """
    guard = AddressGuard(resolver, allow_private_networks=allow_private_networks)
    if rule.webhook is not None:
        return WebhookSender(rule, settings, guard, transport=transport)
    return AppriseSender(rule, settings, guard)


class WebhookSender:
    """POSTs redline's JSON payload to a rule's ``webhook``, signed with its ``secret``."""

    def __init__(
        self,
        rule: Rule,
        settings: DeliverySettings,
        guard: AddressGuard,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        assert rule.webhook is not None
        self.rule = rule
        self._url = rule.webhook
        self._timeout = settings.timeout
        self._client = httpx.AsyncClient(
            transport=transport or guarded_transport(guard, _tls_context()),
            timeout=httpx.Timeout(settings.timeout),
            follow_redirects=False,  # a receiver that redirects is misconfigured: say so
            headers={"User-Agent": f"redline/{__version__}"},
        )

    async def send(self, delivery: Delivery) -> None:
        body = webhook_body(delivery.events, delivery_id=delivery.id, test=delivery.test)
        headers = {
            "Content-Type": "application/json",
            "X-Redline-Event": webhook_event(delivery.events, test=delivery.test),
            "X-Redline-Delivery": delivery.id,
        }
        if self.rule.secret is not None:
            headers[SIGNATURE_HEADER] = sign(body, self.rule.secret)
        try:
            async with asyncio.timeout(self._timeout):  # also bounds a receiver that drips
                response = await self._client.post(self._url, content=body, headers=headers)
        except Exception as exc:
            raise self._failure(exc) from exc
        if not response.is_success:
            raise DeliveryStatusError(
                f"notify rule {self.rule.name!r}: the webhook answered {response.status_code}",
                rule=self.rule.name,
                status=response.status_code,
            )

    async def aclose(self) -> None:
        await self._client.aclose()

    def _failure(self, exc: Exception) -> DeliveryError:
        """What a failed POST is, as a DeliveryError naming the rule."""
        name = self.rule.name
        if isinstance(exc, BlockedAddressError):
            return DeliveryRefusedError(f"notify rule {name!r}: {exc}", rule=name)
        if isinstance(exc, TimeoutError | httpx.TimeoutException):
            return DeliveryTimeoutError(
                f"notify rule {name!r}: the webhook took over {self._timeout:g} s", rule=name
            )
        if isinstance(exc, ConnectError | httpx.TransportError):
            reason = str(exc) or type(exc).__name__
            return DeliveryConnectError(
                f"notify rule {name!r}: cannot reach the webhook: {reason}", rule=name
            )
        return DeliveryError(f"notify rule {name!r}: {type(exc).__name__}: {exc}", rule=name)


class AppriseSender:
    """Sends a rule's messages to its apprise URLs: one :class:`apprise.Apprise` a rule."""

    def __init__(self, rule: Rule, settings: DeliverySettings, guard: AddressGuard) -> None:
        self.rule = rule
        self._timeout = settings.timeout
        self._guard = guard
        # in memory: apprise would otherwise keep per-service state in a cache directory
        self._apprise = apprise.Apprise(asset=apprise.AppriseAsset(storage_mode="memory"))
        for url in rule.urls:
            self._apprise.add(url)
        self._hosts = [host for service in self._apprise if (host := _service_host(service))]

    async def send(self, delivery: Delivery) -> None:
        await self._refuse_private_hosts()
        message = delivery.message(self.rule)
        attachments = self._attachments(delivery.events) if self.rule.attach_image else None
        try:
            result = await self._apprise.async_notify(
                body=message.body,
                title=message.title,
                body_format=apprise.NotifyFormat.TEXT,
                attach=attachments,
                timeout=self._timeout,
            )
        except Exception as exc:  # apprise reports failures in its result; this is a bug
            raise DeliveryError(
                f"notify rule {self.rule.name!r}: apprise failed: {exc}", rule=self.rule.name
            ) from exc
        with result:
            self._check(result)

    async def aclose(self) -> None:
        self._apprise.clear()

    async def _refuse_private_hosts(self) -> None:
        for host in self._hosts:
            try:
                await self._guard.addresses(host, refusing=f"notify {host}")
            except BlockedAddressError as exc:
                name = self.rule.name
                raise DeliveryRefusedError(f"notify rule {name!r}: {exc}", rule=name) from None
            except (RedlineError, ValueError):  # no such host: a service token, not a host
                continue

    def _attachments(self, events: Sequence[ChangeEvent]) -> apprise.AppriseAttachment:
        attachments = apprise.AppriseAttachment()
        for event in [event for event in events if event.passages][:_IMAGES_ATTACHED]:
            name = f"redline-{event.article_id}-{event.version}.png"
            png = render_change_png(event)
            memory = AttachMemory(content=png, name=name, mimetype="image/png")  # type: ignore[no-untyped-call]
            attachments.add(memory)
        return attachments

    def _check(self, result: apprise.AppriseResult) -> None:
        """Raise unless every service took the message."""
        status = apprise.AppriseResultStatus
        if result.status == status.SUCCESS:
            return
        name = self.rule.name
        failed = result.failed_count + result.timeout_count
        errors = [entry.message for entry in result.logs() if entry.level in ("ERROR", "WARNING")]
        why = errors[-1].splitlines()[0] if errors else result.status.name.lower()
        text = f"notify rule {name!r}: {failed} of {len(self.rule.urls)} services failed: {why}"
        if result.status == status.TIMEOUT:
            raise DeliveryTimeoutError(text, rule=name)
        raise DeliveryError(text, rule=name)


def _service_host(service: object) -> str | None:
    """The host an apprise service connects to: an e-mail's SMTP server, else its URL's."""
    host = getattr(service, "smtp_host", None) or getattr(service, "host", None)
    return host if isinstance(host, str) and host else None
