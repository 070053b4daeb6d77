"""The address guard: redline connects only to public addresses, and only to those it checked.

A shared redline must not be aimed at its own network (cloud metadata, admin
pages). :class:`AddressGuard` resolves a host and refuses it if any address
is loopback, private, link-local, multicast, reserved or otherwise not
global. Checking before a request is not enough: the HTTP client would resolve
the host again to connect, and a DNS server that answers differently the second
time (DNS rebinding) would get through. So the transport :func:`guarded_transport`
builds connects through :class:`GuardedBackend`, which resolves once, checks,
and connects to exactly the addresses it checked; TLS still verifies the
certificate against the host name (httpcore passes it as the server name).

IPv6 addresses that carry an IPv4 address are judged by it, or refused whole
where it cannot be trusted (:func:`blocked_kind`):

- IPv4-mapped ``::ffff:a.b.c.d`` and NAT64 ``64:ff9b::a.b.c.d`` (RFC 6052's
  well-known prefix, which DNS64 resolvers answer with on IPv6-only networks)
  reach that IPv4 address: they are allowed if it is public.
- The local-use NAT64 prefix ``64:ff9b:1::/48`` (RFC 8215) is refused: where
  its IPv4 address sits depends on the operator's prefix length, and a
  local-use translator is the local network's by definition.
- 6to4 ``2002::/16`` is refused: it is deprecated (RFC 7526) and unused by
  public sites, and its traffic goes through relays to the IPv4 address
  inside, which redline would have to trust to refuse a private one.
- Teredo ``2001::/32`` is refused: the client's IPv4 address inside is
  obfuscated and the server's is a relay's; nothing public is served there.
- IPv4-compatible ``::a.b.c.d`` (deprecated by RFC 4291) is refused, like the
  rest of ``::/8``, which is reserved.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import socket
import ssl
from collections.abc import Awaitable, Callable, Iterable, Sequence
from urllib.parse import urlsplit

import httpcore
import httpx

from ..errors import BlockedAddressError, ConnectError
from ..model import Sleep

__all__ = [
    "AddressGuard",
    "GuardedBackend",
    "Resolver",
    "guarded_transport",
    "refuse_private_hosts",
]

Resolver = Callable[[str], Awaitable[Sequence[str]]]
"""Resolves a host name to the IP addresses (as strings) a connection could use."""

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_BLOCKED_KINDS = (
    ("is_unspecified", "an unspecified"),
    ("is_loopback", "a loopback"),
    ("is_link_local", "a link-local"),
    ("is_multicast", "a multicast"),
    ("is_reserved", "a reserved"),
    ("is_private", "a private"),
)
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
# IPv6 prefixes refused whatever IPv4 address they carry (see the module docstring).
_WRAPPING_PREFIXES = (
    (ipaddress.IPv6Network("64:ff9b:1::/48"), "a local-use NAT64"),
    (ipaddress.IPv6Network("2002::/16"), "a 6to4"),
    (ipaddress.IPv6Network("2001::/32"), "a Teredo"),
    (ipaddress.IPv6Network("::/96"), "an IPv4-compatible"),
)
# httpx's own defaults (httpx.Limits()), which a pool built here must keep
_MAX_CONNECTIONS, _MAX_KEEPALIVE, _KEEPALIVE_SECONDS = 100, 20, 5.0


class AddressGuard:
    """Resolves hosts and refuses non-public addresses unless private networks are allowed."""

    def __init__(self, resolve: Resolver | None, *, allow_private_networks: bool) -> None:
        self._resolve = resolve or resolve_with_getaddrinfo
        self.allow_private_networks = allow_private_networks

    async def addresses(self, host: str, *, refusing: str) -> list[IPAddress]:
        """The addresses of ``host``, every one allowed; ``refusing`` names the act refused.

        Raises:
            BlockedAddressError: an address is not public (and private networks are not allowed).
            ConnectError: the host does not resolve.
        """
        addresses = await self._addresses_of(host)
        if self.allow_private_networks:
            return addresses
        for address in addresses:
            kind = blocked_kind(address)
            if kind is not None:
                raise _blocked(refusing, address, kind)
        return addresses

    async def refuse_if_only_blocked(self, host: str, *, refusing: str) -> None:
        """Refuse ``host`` if it is, or resolves only to, addresses the guard refuses.

        Looser than :meth:`addresses`, for a first look before any fetch: a host
        that does not resolve passes (it may by the time it is fetched), and so
        does one with a public address among its answers (the fetch decides).

        Raises:
            BlockedAddressError: every address is refused (and private networks are not allowed).
        """
        if self.allow_private_networks:
            return
        try:
            addresses = await self._addresses_of(host)
        except (ConnectError, ValueError):  # no answer, or not addresses: none refused
            return
        kinds = [blocked_kind(address) for address in addresses]
        if all(kinds):
            raise _blocked(refusing, addresses[0], str(kinds[0]))

    async def _addresses_of(self, host: str) -> list[IPAddress]:
        with contextlib.suppress(ValueError):
            return [ipaddress.ip_address(host.strip("[]"))]
        try:
            addresses = await self._resolve(host)
        except OSError as exc:
            raise ConnectError(f"cannot resolve {host}: {exc.strerror or exc}") from exc
        if not addresses:
            raise ConnectError(f"cannot resolve {host}: no addresses")
        return [ipaddress.ip_address(address) for address in addresses]


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network, connecting only to addresses the guard resolved and allowed."""

    def __init__(self, guard: AddressGuard) -> None:
        self._guard = guard
        self._network = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await self._guard.addresses(host, refusing=f"connect to {host}")
        failure: httpcore.ConnectError | None = None
        for address in addresses:  # in the resolver's order, as a plain connect would
            try:
                return await self._network.connect_tcp(
                    str(address), port, timeout, local_address, socket_options
                )
            except httpcore.ConnectError as exc:
                failure = exc
        assert failure is not None  # the guard returns at least one address
        raise failure

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("redline connects over TCP only")

    async def sleep(self, seconds: float) -> None:
        await self._network.sleep(seconds)


def guarded_transport(guard: AddressGuard, tls: ssl.SSLContext) -> httpx.AsyncHTTPTransport:
    """httpx's transport, its connection pool connecting through a :class:`GuardedBackend`.

    httpx takes no network backend, so its pool is replaced by one built as httpx
    builds it (same limits), with the guarded backend; tests/test_fetch.py checks
    that connections go through it.
    """
    transport = httpx.AsyncHTTPTransport(verify=tls)
    transport._pool = httpcore.AsyncConnectionPool(
        ssl_context=tls,
        max_connections=_MAX_CONNECTIONS,
        max_keepalive_connections=_MAX_KEEPALIVE,
        keepalive_expiry=_KEEPALIVE_SECONDS,
        network_backend=GuardedBackend(guard),
    )
    return transport


def _blocked(refusing: str, address: IPAddress, kind: str) -> BlockedAddressError:
    return BlockedAddressError(
        f"refusing to {refusing}: {address} is {kind} address"
        " (set [fetch] allow_private_networks = true to allow)"
    )


async def refuse_private_hosts(
    urls: Iterable[str], guard: AddressGuard, timeout: float, sleep: Sleep
) -> None:
    """Refuse the first of ``urls`` whose host is, or resolves only to, refused addresses.

    The hosts are looked up at once, for at most ``timeout`` seconds of the
    clock ``sleep`` waits on; a lookup not done by then, or failing in any
    way, passes, as a host that does not resolve does: the fetch checks again.

    Raises:
        BlockedAddressError: naming the URL and the setting that would allow it.
    """
    first_url: dict[str, str] = {}
    for url in urls:
        first_url.setdefault(urlsplit(url).hostname or "", url)
    lookups = [
        asyncio.ensure_future(guard.refuse_if_only_blocked(host, refusing=f"track {url}"))
        for host, url in first_url.items()
    ]
    if not lookups:
        return
    every_lookup = asyncio.gather(*lookups, return_exceptions=True)
    time_limit = asyncio.ensure_future(sleep(timeout))
    await asyncio.wait((every_lookup, time_limit), return_when=asyncio.FIRST_COMPLETED)
    for task in (*lookups, time_limit):
        task.cancel()
    await asyncio.gather(every_lookup, time_limit, return_exceptions=True)
    for lookup in lookups:
        failure = None if lookup.cancelled() else lookup.exception()
        if isinstance(failure, BlockedAddressError):
            raise failure


def blocked_kind(address: IPAddress) -> str | None:
    """What makes ``address`` off limits ("a loopback", ...), or None if it is public."""
    if isinstance(address, ipaddress.IPv6Address):
        reached = _reached_ipv4(address)
        if reached is None:
            return _wrapping_kind(address) or _kind(address)
        address = reached
    return _kind(address)


def _kind(address: IPAddress) -> str | None:
    for attribute, kind in _BLOCKED_KINDS:
        if getattr(address, attribute):
            return kind
    return None if address.is_global else "a non-global"


def _wrapping_kind(address: ipaddress.IPv6Address) -> str | None:
    if address.is_loopback or address.is_unspecified:  # ::1 and :: are in ::/96 too
        return None
    return next((kind for prefix, kind in _WRAPPING_PREFIXES if address in prefix), None)


def _reached_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv4-mapped or NAT64 address reaches, if it is one."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


async def resolve_with_getaddrinfo(host: str) -> list[str]:
    """The default :data:`Resolver`: the system's resolver, off the event loop."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))
