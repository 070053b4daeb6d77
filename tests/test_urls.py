from __future__ import annotations

import re

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from redline.errors import InvalidURLError
from redline.urls import MAX_URL_LENGTH, canonical_url, checked_url


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


LONG_LABEL = "a" * 64
LONG_HOST = ".".join(["abcdefgh"] * 30)  # 269 characters of labels that are each fine


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("http://a..b/", "the host name has an empty label"),
        ("http://.example/", "the host name has an empty label"),
        (f"http://{LONG_LABEL}.example/", "a label of the host name is over 63 characters"),
        (f"http://{LONG_HOST}/", "the host name is longer than 253 characters"),
        ("http://xn--zz.example/", "the host name label 'xn--zz' is not valid punycode"),
        ("http://news.xn--zz.example/", "the host name label 'xn--zz' is not valid punycode"),
        ("http://ex%61mple.com/", "'ex%61mple' holds a character host names cannot"),
        ("http://exa!mple.com/", "holds a character host names cannot"),
        ("http://\u2603.example/", "the host name is not valid IDNA"),
        ("http://example.com:0/", "the port is not a number from 1 to 65535"),
        ("http://example.com:65536/", "the port is not a number from 1 to 65535"),
        ("http://example.com:99999999999/", "the port is not a number from 1 to 65535"),
        ("http://example.com:+80/", "the port is not a number from 1 to 65535"),
        ("http://0177.0.0.1/", "'0177.0.0.1' ends in a number but is not an IPv4 address"),
        ("http://0x7f.1/", "'0x7f.1' ends in a number but is not an IPv4 address"),
        ("http://2130706433/", "'2130706433' ends in a number but is not an IPv4 address"),
        ("http://127.1/", "'127.1' ends in a number"),
        ("http://256.0.0.1/", "'256.0.0.1' ends in a number"),
        ("http://news.example.123/", "ends in a number"),
        ("http://[v1.fe]/", "[v1.fe] is not an IPv6 address"),
        ("http://[fe80::1%25eth0]/", "zone identifiers"),
        ("https://example.com/\x00", "unprintable character"),
        ("https://example.com/" + "x" * 2048, "longer than 2048 characters"),
    ],
)
def test_urls_the_fetcher_could_not_request_are_refused_saying_why(
    given: str, message: str
) -> None:
    with pytest.raises(InvalidURLError, match=re.escape(message)) as caught:
        canonical_url(given)
    with pytest.raises(InvalidURLError, match=re.escape(message)):
        checked_url(given)  # what a redirect to it meets

    assert "\n" not in str(caught.value) and len(str(caught.value)) < 300


@pytest.mark.parametrize(
    ("given", "canonical"),
    [
        ("https://Bücher.Example/a", "https://xn--bcher-kva.example/a"),  # UTS-46, then IDNA
        ("https://xn--bcher-kva.example/a", "https://xn--bcher-kva.example/a"),
        ("https://straße.de/", "https://xn--strae-oqa.de/"),  # not transitional: ß stays
        ("https://example\u3002com/", "https://example.com/"),  # an ideographic full stop
        ("https://example.com./a", "https://example.com/a"),
        ("https://my_blog.example/", "https://my_blog.example/"),  # hosts with _ exist
        ("http://[0:0:0:0:0:0:0:1]:8080/", "http://[::1]:8080/"),
        ("http://93.184.215.14/", "http://93.184.215.14/"),
        ("https://example.com:65535/", "https://example.com:65535/"),
        ("https://example.com/" + "x" * 2028, "https://example.com/" + "x" * 2028),
    ],
)
def test_hosts_are_spelled_as_they_are_requested(given: str, canonical: str) -> None:
    assert canonical_url(given) == canonical
    assert canonical_url(canonical) == canonical


def test_checked_url_keeps_what_canonical_url_drops() -> None:
    url = "HTTPS://Bücher.example:443/a b?utm_source=x&id=1#top"

    assert checked_url(url) == "https://xn--bcher-kva.example:443/a b?utm_source=x&id=1#top"
    with pytest.raises(InvalidURLError, match="white space"):
        canonical_url(url)  # a tracked URL is written without


ALPHABET = "abcxyzAZ09-_.%:@[]/?#\u00fc\u00df\u2603\u3002\u0665 \t\x00"
ODD_LABELS = ["xn--", "xn--zz", "xn--bcher-kva", "0x7f", "0177", "B\u00fccher", "1", "255"]


@st.composite
def url_like(draw: st.DrawFn) -> str:
    """Strings shaped like URLs, from parts that are often right and often nearly so."""
    scheme = draw(st.sampled_from(["http", "https", "HTTPS", "ftp", ""]))
    label = st.one_of(
        st.text("abcz019-", min_size=1, max_size=12),
        st.text(ALPHABET, max_size=70),
        st.sampled_from(ODD_LABELS),
    )
    host = ".".join(draw(st.lists(label, min_size=1, max_size=5)))
    port = draw(st.none() | st.integers(-1, 70_000).map(str) | st.text("0123456789+ ", max_size=6))
    path = draw(st.text(ALPHABET, max_size=30) | st.text("abc/?=&%", max_size=3000))
    return f"{scheme}://{host}" + ("" if port is None else f":{port}") + "/" + path


@settings(max_examples=300, derandomize=True, deadline=None)
@given(url_like() | st.text(max_size=40))
def test_what_is_accepted_can_be_requested_and_is_spelled_one_way(url: str) -> None:
    try:
        canonical = canonical_url(url)
    except InvalidURLError as exc:
        assert "\n" not in str(exc)
        return
    request_url = httpx.URL(canonical)  # what the Fetcher requests: it must take it
    assert request_url.scheme in ("http", "https") and request_url.host
    assert request_url.raw_host.isascii() and len(canonical) <= MAX_URL_LENGTH
    assert canonical_url(canonical) == checked_url(canonical) == canonical
