"""The one exception tree of redline.

Everything the library raises on purpose is a :class:`RedlineError`. The CLI
turns any of them into a one-line message and exit status 2; the web app into
a 404 or 400. Nothing below the edges catches them to translate.

::

    RedlineError
    ├── ConfigError            bad or unreadable configuration
    ├── InvalidURLError        not an http(s) URL we can track
    ├── NotFoundError          no such article or version
    ├── StoreError             the database cannot be opened or upgraded
    │   └── AlreadyRunningError    another check holds this SQLite database's lock
    ├── FetchError             a page could not be fetched
    │   ├── BlockedAddressError    host resolves to a private/loopback/... address
    │   ├── FetchTimeoutError      the whole request took longer than [fetch] timeout
    │   ├── TooLargeError          the body exceeded [fetch] max_bytes
    │   ├── HTTPStatusError        the server answered 4xx/5xx
    │   ├── ContentTypeError       the response is not HTML
    │   ├── TooManyRedirectsError  redirect loop or chain too long
    │   └── ConnectError           DNS, TCP or TLS failure
    └── ExtractionError        the page holds no article text
"""

from __future__ import annotations

__all__ = [
    "AlreadyRunningError",
    "BlockedAddressError",
    "ConfigError",
    "ConnectError",
    "ContentTypeError",
    "ExtractionError",
    "FetchError",
    "FetchTimeoutError",
    "HTTPStatusError",
    "InvalidURLError",
    "NotFoundError",
    "RedlineError",
    "StoreError",
    "TooLargeError",
    "TooManyRedirectsError",
]


class RedlineError(Exception):
    """Base class of every error redline raises on purpose."""


class ConfigError(RedlineError):
    """The configuration file or a setting in it is invalid."""


class InvalidURLError(RedlineError):
    """A URL that redline cannot track (not http/https, no host, ...)."""


class NotFoundError(RedlineError):
    """No article or version matches what was asked for."""


class StoreError(RedlineError):
    """The database cannot be opened, created or upgraded."""


class AlreadyRunningError(StoreError):
    """Another ``redline check`` is running on this SQLite database."""


class FetchError(RedlineError):
    """A page could not be fetched. ``status`` is the HTTP status when there was one.

    ``retry_after`` is how many seconds the site asked us to wait before asking
    again (a 429 or 503 with ``Retry-After``, or a request refused because an
    earlier one got that answer); None when it asked nothing.
    """

    def __init__(
        self, message: str, *, status: int | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


class BlockedAddressError(FetchError):
    """The host resolves to an address redline refuses to contact."""


class FetchTimeoutError(FetchError):
    """The whole request took longer than the configured time limit."""


class TooLargeError(FetchError):
    """The response body is larger than the configured limit."""


class HTTPStatusError(FetchError):
    """The server answered with an error status."""


class ContentTypeError(FetchError):
    """The response is not an HTML page."""


class TooManyRedirectsError(FetchError):
    """The redirect chain loops or is longer than the limit."""


class ConnectError(FetchError):
    """The server could not be reached (DNS, TCP or TLS failure)."""


class ExtractionError(RedlineError):
    """The page was fetched but holds no article text."""
