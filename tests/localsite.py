"""A small HTTP server on 127.0.0.1 that tests fill with pages.

Routes map a path to a :class:`Route` (fixed status, headers and body, the body
possibly a generator streamed in chunks) or to a function of the request.
Every request is recorded, so tests can assert what was sent.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Request:
    path: str
    headers: dict[str, str]


@dataclass
class Route:
    body: bytes | Callable[[], Iterable[bytes]] = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "text/html"})
    delay: float = 0.0  # seconds to wait before answering


Handler = Callable[[Request], Route]


def html_route(html: str | bytes, **headers: str) -> Route:
    """A page of ``html`` (UTF-8 unless a Content-Type says otherwise); ``_`` in names is ``-``."""
    body = html.encode("utf-8") if isinstance(html, str) else html
    all_headers = {"Content-Type": "text/html; charset=utf-8"}
    all_headers.update({k.replace("_", "-"): v for k, v in headers.items()})
    return Route(body, headers=all_headers)


def route_for(routes: dict[str, Route | Handler], request: Request) -> Route:
    """What ``routes`` answer ``request`` with: by path, query aside; 404 if none."""
    route = routes.get(request.path.split("?")[0])
    if route is None:
        return Route(b"not found", status=404)
    return route(request) if callable(route) else route


class _Server(ThreadingHTTPServer):
    """Quiet when a client drops a connection (a size cap, a closed pool): clients do that.

    The default prints the traceback to stderr, which lands in the output of a CLI
    command under test (CliRunner captures stderr) and breaks its JSON.
    """

    def handle_error(self, request: object, client_address: object) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


class LocalSite:
    """A running server; ``url(path)`` gives the absolute URL of a path."""

    def __init__(self) -> None:
        self.routes: dict[str, Route | Handler] = {}
        self.requests: list[Request] = []
        self._stop = threading.Event()
        site = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                request = Request(self.path, {k.lower(): v for k, v in self.headers.items()})
                site.requests.append(request)
                site._answer(self, route_for(site.routes, request))

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = _Server(("127.0.0.1", 0), _Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self._thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def page(self, path: str, html: str | bytes, **headers: str) -> None:
        """Serve ``html`` at ``path`` (UTF-8 unless a Content-Type says otherwise)."""
        self.routes[path] = html_route(html, **headers)

    def close(self) -> None:
        self._stop.set()
        self.server.shutdown()
        self.server.server_close()

    def _answer(self, handler: BaseHTTPRequestHandler, route: Route) -> None:
        deadline = time.monotonic() + route.delay
        while time.monotonic() < deadline and not self._stop.is_set():
            time.sleep(0.01)
        try:
            handler.send_response(route.status)
            for name, value in route.headers.items():
                handler.send_header(name, value)
            if isinstance(route.body, bytes):
                handler.send_header("Content-Length", str(len(route.body)))
                handler.end_headers()
                handler.wfile.write(route.body)
            else:
                handler.send_header("Connection", "close")
                handler.end_headers()
                for chunk in route.body():
                    if self._stop.is_set():
                        break
                    handler.wfile.write(chunk)
                handler.close_connection = True
        except (BrokenPipeError, ConnectionResetError):
            handler.close_connection = True
