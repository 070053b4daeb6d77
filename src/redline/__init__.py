"""redline: track news articles, store every version, show how they were rewritten.

The public API is what this module exports; everything else is private.
"""

from ._version import __version__
from .config import Config, FetchConfig, ScheduleConfig, SiteRule, load_config
from .core import Redline
from .diff import ArticleDiff, DiffOp
from .errors import (
    AlreadyRunningError,
    BlockedAddressError,
    ConfigError,
    ConnectError,
    ContentTypeError,
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
    TooLargeError,
    TooManyRedirectsError,
    WorkerCrashedError,
)
from .extract import ExtractedArticle, extract_article
from .model import Article, ArticleStatus, Capture, CheckOutcome, CheckResult, CheckSummary, Version

__all__ = [
    "AlreadyRunningError",
    "Article",
    "ArticleDiff",
    "ArticleStatus",
    "BlockedAddressError",
    "Capture",
    "CheckOutcome",
    "CheckResult",
    "CheckSummary",
    "Config",
    "ConfigError",
    "ConnectError",
    "ContentTypeError",
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
    "TooLargeError",
    "TooManyRedirectsError",
    "Version",
    "WorkerCrashedError",
    "__version__",
    "extract_article",
    "load_config",
]
