"""What counts as a trackable URL, and its one canonical spelling."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from .errors import InvalidURLError

__all__ = ["canonical_url"]

_SCHEMES = {"http", "https"}
_DEFAULT_PORTS = {"http": 80, "https": 443}
_TRACKING_PARAMS = {"fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "igshid", "ocid"}


def canonical_url(url: str) -> str:
    """Check that ``url`` is an absolute http(s) URL and spell it one way.

    The scheme and host are lower-cased, a default port and the fragment are
    dropped, and so are tracking parameters (``utm_*``, ``fbclid``, ...), so
    that one article reached through differently tagged links is one article.
    """
    text = url.strip()
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise InvalidURLError(f"not a valid URL: {url!r} ({exc})") from exc
    scheme = parts.scheme.lower()
    if not scheme or "://" not in text:
        raise InvalidURLError(f"not a valid URL: {url!r} (expected http://... or https://...)")
    if scheme not in _SCHEMES:
        raise InvalidURLError(f"unsupported URL scheme {scheme!r} in {url!r} (only http and https)")
    host = (parts.hostname or "").rstrip(".")
    if not host or any(ch.isspace() for ch in text):
        raise InvalidURLError(f"not a valid URL: {url!r} (no host name)")
    if ":" in host:
        host = f"[{host}]"
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    if parts.username or parts.password:
        raise InvalidURLError(f"not a valid URL: {url!r} (credentials in URLs are not supported)")
    return urlunsplit((scheme, netloc, parts.path or "/", _without_tracking(parts.query), ""))


def _without_tracking(query: str) -> str:
    if not query:
        return ""
    pairs = parse_qsl(query, keep_blank_values=True)
    kept = [(k, v) for k, v in pairs if not _is_tracking(k)]
    return query if len(kept) == len(pairs) else urlencode(kept)


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered.startswith("utm_") or lowered in _TRACKING_PARAMS
