"""What counts as a trackable URL, and its one canonical spelling.

Every URL redline takes in passes here: an added article or feed, a feed's
entries (:func:`canonical_url`) and every redirect the Fetcher follows
(:func:`checked_url`). What passes can be requested: the host is IDNA-encoded
as UTS-46 maps it (``Bücher.example`` is ``xn--bcher-kva.example``), each
label and the whole name fit DNS, an ``xn--`` label is valid punycode, the
port is 1-65535, an IP address is written the one standard way, and the URL
fits the database's ``url`` columns. Each refusal is an
:class:`~redline.errors.InvalidURLError` saying what is wrong.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import SplitResult, parse_qsl, urlencode, urlsplit, urlunsplit

import idna

from .errors import InvalidURLError

__all__ = ["MAX_URL_LENGTH", "canonical_url", "checked_url"]

MAX_URL_LENGTH = 2048
"""The longest URL redline keeps: the width of the database's ``url`` columns."""

_MAX_HOST_LENGTH = 253  # DNS: 255 octets on the wire, less the length bytes
_MAX_LABEL_LENGTH = 63
_SCHEMES = {"http", "https"}
_DEFAULT_PORTS = {"http": 80, "https": 443}
_TRACKING_PARAMS = {"fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "igshid", "ocid"}
# Letters, digits and hyphens, as DNS host names have, and the underscore some real hosts use.
_ASCII_LABEL = re.compile(r"[a-z0-9_-]+")
# A last label of digits or 0x-hex makes a host an IPv4 address to resolvers (inet_aton
# reads 0177.0.0.1, 0x7f.1 and 2130706433 as 127.0.0.1) and to the URL standard (WHATWG).
_NUMERIC_LABEL = re.compile(r"[0-9]+|0x[0-9a-f]*")
_SHOWN_LENGTH = 100


@dataclass(frozen=True)
class _URL:
    """A URL that passed every check: its parts, the host as it is requested."""

    parts: SplitResult
    scheme: str
    host: str
    """IDNA-encoded (A-labels), or an IP address (an IPv6 one in brackets)."""
    port: int | None


def canonical_url(url: str) -> str:
    """Check that ``url`` is a trackable http(s) URL (see the module) and spell it one way.

    The scheme and host are lower-cased and the host IDNA-encoded, a default
    port and the fragment are dropped, and so are tracking parameters
    (``utm_*``, ``fbclid``, ...), so that one article reached through
    differently tagged links is one article.
    """
    if any(ch.isspace() for ch in url.strip()):
        raise _invalid(url, "it holds white space")
    checked = _checked(url.strip())
    port = None if checked.port == _DEFAULT_PORTS[checked.scheme] else checked.port
    netloc = checked.host if port is None else f"{checked.host}:{port}"
    query = _without_tracking(checked.parts.query)
    return _fitting(url, urlunsplit((checked.scheme, netloc, checked.parts.path or "/", query, "")))


def checked_url(url: str) -> str:
    """``url`` if redline can request it (see the module), its host IDNA-encoded.

    Unlike :func:`canonical_url` it keeps the rest as it is (the port, the
    query with any tracking parameters, the fragment): a redirect target is
    requested as the server gave it.
    """
    checked = _checked(url)
    netloc = checked.host if checked.port is None else f"{checked.host}:{checked.port}"
    return _fitting(url, urlunsplit(checked.parts._replace(scheme=checked.scheme, netloc=netloc)))


def _checked(url: str) -> _URL:
    if not url.isprintable():
        raise _invalid(url, "it holds a control or other unprintable character")
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise _invalid(url, str(exc)) from None
    scheme = parts.scheme.lower()
    if not scheme or "://" not in url:
        raise _invalid(url, "expected http://... or https://...")
    if scheme not in _SCHEMES:
        raise InvalidURLError(
            f"unsupported URL scheme {scheme!r} in {_shown(url)} (only http and https)"
        )
    if parts.username or parts.password:
        raise _invalid(url, "credentials in URLs are not supported")
    port = _port(url, parts)
    bracketed = parts.netloc.rpartition("@")[2].startswith("[")
    host = _ip_literal(url, parts.hostname or "") if bracketed else _host(url, parts.hostname)
    return _URL(parts, scheme, host, port)


def _port(url: str, parts: SplitResult) -> int | None:
    try:
        port = parts.port  # None when there is none; ValueError past 65535 or not a number
    except ValueError:
        port = 0
    if port == 0:
        raise _invalid(url, "the port is not a number from 1 to 65535")
    return port


def _host(url: str, hostname: str | None) -> str:
    """The host name, IDNA-encoded and checked label by label; or an IPv4 address."""
    host = (hostname or "").removesuffix(".")
    if not host:
        raise _invalid(url, "no host name")
    if not host.isascii():
        try:
            host = idna.encode(host, uts46=True).decode("ascii").removesuffix(".")
        except (idna.IDNAError, UnicodeError) as exc:  # idna raises both
            raise _invalid(url, f"the host name is not valid IDNA: {exc}") from None
    labels = host.split(".")
    if _NUMERIC_LABEL.fullmatch(labels[-1]):
        return _ipv4(url, host)
    if len(host) > _MAX_HOST_LENGTH:
        raise _invalid(url, f"the host name is longer than {_MAX_HOST_LENGTH} characters")
    for label in labels:
        _check_label(url, label)
    return host


def _check_label(url: str, label: str) -> None:
    if not label:
        raise _invalid(url, "the host name has an empty label")
    if len(label) > _MAX_LABEL_LENGTH:
        raise _invalid(url, f"a label of the host name is over {_MAX_LABEL_LENGTH} characters")
    if not _ASCII_LABEL.fullmatch(label):
        raise _invalid(url, f"the host name label {label!r} holds a character host names cannot")
    if label.startswith("xn--"):
        try:
            idna.decode(label)
        except (idna.IDNAError, UnicodeError) as exc:
            reason = f"the host name label {label!r} is not valid punycode: {exc}"
            raise _invalid(url, reason) from None


def _ipv4(url: str, host: str) -> str:
    try:
        return str(ipaddress.IPv4Address(host))
    except ValueError:
        reason = f"{host!r} ends in a number but is not an IPv4 address a.b.c.d"
        raise _invalid(url, reason) from None


def _ip_literal(url: str, host: str) -> str:
    try:
        address = ipaddress.IPv6Address(host)
    except ValueError:
        raise _invalid(url, f"[{host}] is not an IPv6 address") from None
    if address.scope_id is not None:
        raise _invalid(url, "IPv6 zone identifiers (%...) are not supported")
    return f"[{address.compressed}]"


def _fitting(url: str, result: str) -> str:
    """``result``, if it is short enough to keep and httpx can request it."""
    if len(result) > MAX_URL_LENGTH:
        raise _invalid(url, f"longer than {MAX_URL_LENGTH} characters")
    import httpx  # here, not above: ``redline list`` and ``show`` need no HTTP client

    try:  # what the checks above let through, httpx must take: this is the proof
        _ = httpx.URL(result).host
    except (httpx.InvalidURL, UnicodeError) as exc:
        raise _invalid(url, str(exc)) from None
    return result


def _invalid(url: str, reason: str) -> InvalidURLError:
    return InvalidURLError(f"not a valid URL: {_shown(url)} ({reason})")


def _shown(url: str) -> str:
    """``url`` quoted for a one-line message, shortened if long."""
    if len(url) <= _SHOWN_LENGTH:
        return repr(url)
    return repr(url[:_SHOWN_LENGTH]) + f"... ({len(url)} characters)"


def _without_tracking(query: str) -> str:
    if not query:
        return ""
    pairs = parse_qsl(query, keep_blank_values=True)
    kept = [(k, v) for k, v in pairs if not _is_tracking(k)]
    return query if len(kept) == len(pairs) else urlencode(kept)


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered.startswith("utm_") or lowered in _TRACKING_PARAMS
