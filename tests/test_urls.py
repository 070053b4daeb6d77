from __future__ import annotations

import pytest

from redline.errors import InvalidURLError
from redline.urls import canonical_url


@pytest.mark.parametrize(
    ("given", "canonical"),
    [
        ("https://Example.COM/News/Story", "https://example.com/News/Story"),
        ("  http://example.com  ", "http://example.com/"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("http://example.com:8080/a", "http://example.com:8080/a"),
        ("https://example.com/a#comments", "https://example.com/a"),
        ("https://example.com/a?id=3&utm_source=rss&fbclid=x", "https://example.com/a?id=3"),
        ("https://example.com/a?b=2&a=1", "https://example.com/a?b=2&a=1"),
        ("http://[::1]:80/x", "http://[::1]/x"),
    ],
)
def test_canonical_spelling(given: str, canonical: str) -> None:
    assert canonical_url(given) == canonical


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("notaurl", "not a valid URL"),
        ("example.com/story", "not a valid URL"),
        ("ftp://example.com/file", "unsupported URL scheme 'ftp'"),
        ("file:///etc/passwd", "unsupported URL scheme 'file'"),
        ("javascript:alert(1)", "not a valid URL"),
        ("http://", "no host name"),
        ("http://exa mple.com/", "white space"),
        ("http://example.com:99999/", "not a valid URL"),
        ("https://user:pw@example.com/", "credentials"),
    ],
)
def test_bad_urls_are_refused_with_a_clear_message(given: str, message: str) -> None:
    with pytest.raises(InvalidURLError, match=message):
        canonical_url(given)
