"""The one exception tree of redline.

Everything the library raises on purpose is a :class:`RedlineError`. The CLI
turns any of them into a one-line message and exit status 2; the web app into
a 404 or 400. Nothing below the edges catches them to translate.

Every class names its failure with a stable, machine-readable ``kind`` (an
:class:`ErrorKind`); the check log records it beside the message, so what
reads the log (``redline status``'s alarms, scripts) never parses messages,
which may be reworded.

::

    RedlineError
    ├── ConfigError            bad or unreadable configuration
    ├── InvalidURLError        not an http(s) URL we can track
    ├── NotFoundError          no such article or version
    ├── StoreError             the database cannot be opened or upgraded
    │   └── AlreadyRunningError    another check holds this SQLite database's lock
    ├── FetchError             a page could not be fetched (``.url``: which)
    │   ├── BlockedAddressError    host resolves to a private/loopback/... address
    │   ├── DisallowedError        robots.txt disallows the page to redline
    │   ├── RetryLaterError        the host asked us to wait (Retry-After); not asked again yet
    │   ├── FetchTimeoutError      the whole request took longer than [fetch] timeout
    │   ├── TooLargeError          the body exceeded [fetch] max_bytes
    │   ├── EmptyBodyError         the server answered with an empty body
    │   ├── HTTPStatusError        the server answered 4xx/5xx
    │   ├── ContentTypeError       the response is not HTML
    │   ├── RedirectError          a redirect that cannot be followed (no Location, not http(s))
    │   │   └── TooManyRedirectsError  redirect loop or chain too long
    │   └── ConnectError           DNS, TCP or TLS failure
    ├── ExtractionError        no article text could be taken from the page
    │   ├── PageTooComplexError    more HTML elements than extraction takes on
    │   ├── ExtractionTimeoutError extraction ran past the time limit per page
    │   └── WorkerCrashedError     the extraction worker died on the page, twice
    └── DeliveryError          a notification was not delivered (``.rule``: whose)
        ├── DeliveryRefusedError   the target resolves to a private/loopback/... address
        ├── DeliveryConnectError   the receiver could not be reached
        ├── DeliveryTimeoutError   the receiver took longer than [delivery] timeout
        ├── DeliveryStatusError    the webhook receiver answered with an error status
        └── TemplateError          a rule's message template failed to render
"""

from __future__ import annotations

import enum
from typing import ClassVar

__all__ = [
    "AlreadyRunningError",
    "BlockedAddressError",
    "ConfigError",
    "ConnectError",
    "ContentTypeError",
    "DeliveryConnectError",
    "DeliveryError",
    "DeliveryRefusedError",
    "DeliveryStatusError",
    "DeliveryTimeoutError",
    "DisallowedError",
    "EmptyBodyError",
    "ErrorKind",
    "ExtractionError",
    "ExtractionTimeoutError",
    "FetchError",
    "FetchTimeoutError",
    "HTTPStatusError",
    "InvalidURLError",
    "NotFoundError",
    "PageTooComplexError",
    "RedirectError",
    "RedlineError",
    "RetryLaterError",
    "StoreError",
    "TemplateError",
    "TooLargeError",
    "TooManyRedirectsError",
    "WorkerCrashedError",
]


class ErrorKind(enum.StrEnum):
    """What went wrong, in a word that stays the same when messages are reworded.

    One per class of the tree (its ``kind``), and ``internal`` for an exception
    redline did not raise on purpose (a bug met on one odd page).
    """

    ERROR = "error"
    CONFIG = "config"
    INVALID_URL = "invalid_url"
    NOT_FOUND = "not_found"
    STORE = "store"
    ALREADY_RUNNING = "already_running"
    FETCH = "fetch"
    BLOCKED_ADDRESS = "blocked_address"
    DISALLOWED = "disallowed"
    RETRY_LATER = "retry_later"
    TIMEOUT = "timeout"
    TOO_LARGE = "too_large"
    EMPTY_BODY = "empty_body"
    HTTP_STATUS = "http_status"
    CONTENT_TYPE = "content_type"
    REDIRECT = "redirect"
    TOO_MANY_REDIRECTS = "too_many_redirects"
    CONNECT = "connect"
    NO_ARTICLE = "no_article"
    TOO_COMPLEX = "too_complex"
    EXTRACTION_TIMEOUT = "extraction_timeout"
    WORKER_CRASHED = "worker_crashed"
    DELIVERY = "delivery"
    DELIVERY_REFUSED = "delivery_refused"
    DELIVERY_CONNECT = "delivery_connect"
    DELIVERY_TIMEOUT = "delivery_timeout"
    DELIVERY_STATUS = "delivery_status"
    TEMPLATE = "template"
    INTERNAL = "internal"


class RedlineError(Exception):
    """Base class of every error redline raises on purpose."""

    kind: ClassVar[ErrorKind] = ErrorKind.ERROR


class ConfigError(RedlineError):
    """The configuration file or a setting in it is invalid."""

    kind = ErrorKind.CONFIG


class InvalidURLError(RedlineError):
    """A URL that redline cannot track (not http/https, no host, ...)."""

    kind = ErrorKind.INVALID_URL


class NotFoundError(RedlineError):
    """No article or version matches what was asked for."""

    kind = ErrorKind.NOT_FOUND


class StoreError(RedlineError):
    """The database cannot be opened, created or upgraded."""

    kind = ErrorKind.STORE


class AlreadyRunningError(StoreError):
    """Another ``redline check`` is running on this SQLite database."""

    kind = ErrorKind.ALREADY_RUNNING


class FetchError(RedlineError):
    """A page could not be fetched. ``status`` is the HTTP status when there was one.

    ``url`` is the URL whose fetch failed, as it was asked of the Fetcher (a
    redirect hop that failed is named in the message). ``retry_after`` is how
    many seconds the site asked us to wait before asking again (a 429 or 503
    with ``Retry-After``, or a request refused because an earlier one got that
    answer); None when it asked nothing. A bare FetchError is a failure no
    subclass names (a body that fails to decompress, ...).
    """

    kind = ErrorKind.FETCH

    def __init__(
        self,
        message: str,
        *,
        url: str | None = None,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.url = url
        self.status = status
        self.retry_after = retry_after


class BlockedAddressError(FetchError):
    """The host resolves to an address redline refuses to contact."""

    kind = ErrorKind.BLOCKED_ADDRESS


class DisallowedError(FetchError):
    """The site's robots.txt disallows the page to redline; it was not requested."""

    kind = ErrorKind.DISALLOWED


class RetryLaterError(FetchError):
    """Not requested: the host asked us to wait (``Retry-After``) and the wait is not over."""

    kind = ErrorKind.RETRY_LATER


class FetchTimeoutError(FetchError):
    """The whole request took longer than the configured time limit."""

    kind = ErrorKind.TIMEOUT


class TooLargeError(FetchError):
    """The response body is larger than the configured limit."""

    kind = ErrorKind.TOO_LARGE


class EmptyBodyError(FetchError):
    """The server answered with a success status and an empty body."""

    kind = ErrorKind.EMPTY_BODY


class HTTPStatusError(FetchError):
    """The server answered with an error status."""

    kind = ErrorKind.HTTP_STATUS


class ContentTypeError(FetchError):
    """The response is not an HTML page."""

    kind = ErrorKind.CONTENT_TYPE


class RedirectError(FetchError):
    """A redirect that cannot be followed: no usable Location, or not to an http(s) URL."""

    kind = ErrorKind.REDIRECT


class TooManyRedirectsError(RedirectError):
    """The redirect chain loops or is longer than the limit."""

    kind = ErrorKind.TOO_MANY_REDIRECTS


class ConnectError(FetchError):
    """The server could not be reached (DNS, TCP or TLS failure)."""

    kind = ErrorKind.CONNECT


class ExtractionError(RedlineError):
    """The page was fetched but no article text could be taken from it.

    A bare ExtractionError: the page holds none. The subclasses name the limits
    that keep one page from holding up a pass.
    """

    kind = ErrorKind.NO_ARTICLE


class PageTooComplexError(ExtractionError):
    """The page has more HTML elements than extraction takes on (no article page comes near)."""

    kind = ErrorKind.TOO_COMPLEX


class ExtractionTimeoutError(ExtractionError):
    """Extracting the page took longer than the time limit per page, and was stopped."""

    kind = ErrorKind.EXTRACTION_TIMEOUT


class WorkerCrashedError(ExtractionError):
    """The worker process extracting the page died, and died again when it was tried alone."""

    kind = ErrorKind.WORKER_CRASHED


class DeliveryError(RedlineError):
    """A notification was not delivered; the outbox records the kind and retries.

    ``rule`` names the ``[[notify]]`` rule whose message it was. A bare
    DeliveryError: the channel refused or lost the message for a reason no
    subclass names (apprise reports most services' failures only in its log).
    """

    kind = ErrorKind.DELIVERY

    def __init__(self, message: str, *, rule: str, status: int | None = None) -> None:
        super().__init__(message)
        self.rule = rule
        self.status = status


class DeliveryRefusedError(DeliveryError):
    """The target resolves to an address redline refuses to contact; nothing was sent."""

    kind = ErrorKind.DELIVERY_REFUSED


class DeliveryConnectError(DeliveryError):
    """The receiver could not be reached (DNS, TCP or TLS failure)."""

    kind = ErrorKind.DELIVERY_CONNECT


class DeliveryTimeoutError(DeliveryError):
    """The receiver did not take the message within the time limit."""

    kind = ErrorKind.DELIVERY_TIMEOUT


class DeliveryStatusError(DeliveryError):
    """The webhook receiver answered with a status other than 2xx (``status``)."""

    kind = ErrorKind.DELIVERY_STATUS


class TemplateError(DeliveryError):
    """A rule's message template failed on this change (its syntax is checked at load)."""

    kind = ErrorKind.TEMPLATE
