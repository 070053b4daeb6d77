"""HTTPS through the address guard: connected to the checked address, verified by host name.

The guard connects to the IP address it resolved and checked, not to the host
name; TLS must still send the host name (SNI) and verify the certificate
against it. A local HTTPS server on 127.0.0.1 holds a certificate for
``news.example`` made by openssl for the test, and the Fetcher trusts it alone.
"""

from __future__ import annotations

import asyncio
import http.server
import shutil
import ssl
import subprocess
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

import redline.fetch._fetcher
from redline.config import FetchConfig
from redline.errors import ConnectError, FetchError
from redline.fetch import Fetcher, Page

ARTICLE = b"<!DOCTYPE html><html><body><p>Story over TLS</p></body></html>"
CONFIG = FetchConfig(allow_private_networks=True, timeout=5, per_host_delay=0)

pytestmark = pytest.mark.skipif(
    shutil.which("openssl") is None, reason="TLS tests: openssl is not installed (SKIPPED)"
)


@pytest.fixture
def certificate(tmp_path: Path) -> tuple[Path, Path]:
    """A self-signed certificate for news.example, and its key."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=news.example", "-addext", "subjectAltName=DNS:news.example",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


class _Page(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(ARTICLE)))
        self.end_headers()
        self.wfile.write(ARTICLE)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def https_port(certificate: tuple[Path, Path]) -> Iterator[int]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Page)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*certificate)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def trust_only(certificate: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    context = ssl.create_default_context(cafile=str(certificate[0]))
    monkeypatch.setattr(redline.fetch._fetcher, "_tls_context", lambda: context)


async def to_localhost(host: str) -> Sequence[str]:
    return ["127.0.0.1"]  # every name: only the certificate tells them apart


def fetch(url: str) -> Page:
    async def go() -> Page:
        async with Fetcher(CONFIG, resolver=to_localhost) as fetcher:
            return await fetcher.fetch(url)

    return asyncio.run(go())


def test_https_is_verified_against_the_host_name_not_the_address(https_port: int) -> None:
    page = fetch(f"https://news.example:{https_port}/story")
    assert page.status == 200 and page.body == ARTICLE


def test_a_certificate_for_another_name_is_refused(https_port: int) -> None:
    with pytest.raises(FetchError) as caught:
        fetch(f"https://other.example:{https_port}/story")
    assert isinstance(caught.value, ConnectError)
    assert "certificate" in str(caught.value).lower()
