"""redline: track news articles, store every version, show how they were rewritten.

The public API is what this module exports; everything else is private.

Only the version and the exceptions are imported with the package: every other
name is imported from its module when first asked for (:func:`__getattr__`), so
that a command that needs none of them (``redline --help``, ``redline list``)
does not wait for the extractor, the fetcher and the database layer to load.
"""

import typing

from ._lazy import lazy_names as _lazy_names
from ._version import __version__
from .errors import (
    AlreadyRunningError,
    BlockedAddressError,
    ConfigError,
    ConnectError,
    ContentTypeError,
    DeliveryConnectError,
    DeliveryError,
    DeliveryRefusedError,
    DeliveryStatusError,
    DeliveryTimeoutError,
    DisallowedError,
    EmptyBodyError,
    ErrorKind,
    ExtractionError,
    ExtractionTimeoutError,
    FetchError,
    FetchTimeoutError,
    HTTPStatusError,
    InvalidURLError,
    NotFoundError,
    PageTooComplexError,
    RedirectError,
    RedlineError,
    RetryLaterError,
    StoreError,
    TemplateError,
    TooLargeError,
    TooManyRedirectsError,
    WorkerCrashedError,
)

if typing.TYPE_CHECKING:  # what the type checker sees at once, and __getattr__ imports on demand
    from .config import Config, FetchConfig, ScheduleConfig, SiteRule, load_config
    from .core import Redline
    from .diff import ArticleDiff, DiffOp
    from .extract import ExtractedArticle, extract_article
    from .model import (
        Article,
        ArticleStatus,
        Capture,
        CheckOutcome,
        CheckPath,
        CheckResult,
        CheckSummary,
        DeliveryRecord,
        DeliveryRound,
        DeliveryStatus,
        Version,
    )

_HOMES = {
    **dict.fromkeys(
        ["Config", "FetchConfig", "ScheduleConfig", "SiteRule", "load_config"], "config"
    ),
    "Redline": "core",
    **dict.fromkeys(["ArticleDiff", "DiffOp"], "diff"),
    **dict.fromkeys(["ExtractedArticle", "extract_article"], "extract"),
    **dict.fromkeys(
        ["Article", "ArticleStatus", "Capture", "CheckOutcome", "CheckPath", "CheckResult"],
        "model",
    ),
    "CheckSummary": "model",
    **dict.fromkeys(["DeliveryRecord", "DeliveryRound", "DeliveryStatus", "Version"], "model"),
}
"""The module each lazily imported public name comes from."""

__all__ = [
    "AlreadyRunningError",
    "Article",
    "ArticleDiff",
    "ArticleStatus",
    "BlockedAddressError",
    "Capture",
    "CheckOutcome",
    "CheckPath",
    "CheckResult",
    "CheckSummary",
    "Config",
    "ConfigError",
    "ConnectError",
    "ContentTypeError",
    "DeliveryConnectError",
    "DeliveryError",
    "DeliveryRecord",
    "DeliveryRefusedError",
    "DeliveryRound",
    "DeliveryStatus",
    "DeliveryStatusError",
    "DeliveryTimeoutError",
    "DiffOp",
    "DisallowedError",
    "EmptyBodyError",
    "ErrorKind",
    "ExtractedArticle",
    "ExtractionError",
    "ExtractionTimeoutError",
    "FetchConfig",
    "FetchError",
    "FetchTimeoutError",
    "HTTPStatusError",
    "InvalidURLError",
    "NotFoundError",
    "PageTooComplexError",
    "RedirectError",
    "Redline",
    "RedlineError",
    "RetryLaterError",
    "ScheduleConfig",
    "SiteRule",
    "StoreError",
    "TemplateError",
    "TooLargeError",
    "TooManyRedirectsError",
    "Version",
    "WorkerCrashedError",
    "__version__",
    "extract_article",
    "load_config",
]


__getattr__, __dir__ = _lazy_names(__name__, _HOMES, globals())
