"""PageServer: web pages and feeds served from 127.0.0.1 in a background thread, for tests.

Routes are registered per test: a fixed answer (`page`), a redirect (`redirect`), or a
hostile one (`huge` streams a 50 MiB page without Content-Length, `stalled` sends half a page
and then never finishes, `trickling_headers` sends its headers one byte at a time). Every
request is recorded with its headers, so conditional GETs can be checked.
"""

from __future__ import annotations

import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Self

MIB = 1024 * 1024


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    kind: str = "fixed"  # fixed | huge | stalled | trickle
    size: int = 0
    interval_s: float = 0.0


class PageServer:
    """A local HTTP server; use as ``with PageServer() as server: server.page("/a", ...)``."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.timed_requests: list[tuple[float, str]] = []  # (time.monotonic(), path)
        self._stop = threading.Event()
        self._server = _QuietServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def page(
        self,
        path: str,
        body: bytes | str,
        *,
        content_type: str = "text/html; charset=utf-8",
        status: int = 200,
        headers: dict[str, str] | None = None,
    ) -> str:
        """Serve `body` at `path`; returns the URL."""
        data = body.encode() if isinstance(body, str) else body
        all_headers = {"Content-Type": content_type, **(headers or {})}
        self.routes[path] = Route(status=status, body=data, headers=all_headers)
        return self.url(path)

    def redirect(self, path: str, location: str, *, status: int = 302) -> str:
        self.routes[path] = Route(status=status, headers={"Location": location})
        return self.url(path)

    def huge(self, path: str, size: int = 50 * MIB) -> str:
        """An HTML page of `size` bytes sent without Content-Length, MiB by MiB."""
        self.routes[path] = Route(kind="huge", size=size, headers={"Content-Type": "text/html"})
        return self.url(path)

    def stalled(self, path: str) -> str:
        """An HTML page that sends its start and then nothing, keeping the connection open."""
        self.routes[path] = Route(kind="stalled", headers={"Content-Type": "text/html"})
        return self.url(path)

    def trickling_headers(self, path: str, *, interval_s: float, size: int) -> str:
        """A small page whose status line and headers (padded by `size` bytes) arrive one byte
        every `interval_s`, each byte well within a read timeout."""
        self.routes[path] = Route(
            kind="trickle", size=size, interval_s=interval_s, body=b"<p>late</p>"
        )
        return self.url(path)

    def requests_to(self, path: str) -> list[dict[str, str]]:
        return [headers for requested, headers in self.requests if requested == path]

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._server.shutdown()
        self._server.server_close()

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                server.requests.append((self.path, dict(self.headers)))
                server.timed_requests.append((time.monotonic(), self.path))
                route = server.routes.get(self.path, Route(status=404, body=b"not found"))
                if route.kind == "trickle":
                    self._send_trickle(route)
                    return
                if (
                    route.status == 200
                    and route.headers.get("ETag")
                    and (self.headers.get("If-None-Match") == route.headers["ETag"])
                ):
                    route = Route(status=304)
                self.send_response(route.status)
                for name, value in route.headers.items():
                    self.send_header(name, value)
                try:
                    if route.kind == "huge":
                        self._send_huge(route.size)
                    elif route.kind == "stalled":
                        self._send_stalled()
                    else:
                        if "Content-Length" not in route.headers:
                            self.send_header("Content-Length", str(len(route.body)))
                        self.end_headers()
                        self.wfile.write(route.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def _send_huge(self, size: int) -> None:
                self.send_header("Connection", "close")
                self.end_headers()
                chunk = b"<p>" + b"x" * (MIB - 8) + b"</p>\n"
                for _ in range(size // MIB):
                    if server._stop.is_set():
                        return
                    self.wfile.write(chunk)

            def _send_stalled(self) -> None:
                self.send_header("Content-Length", "100000")
                self.end_headers()
                self.wfile.write(b"<html><body><p>The start of a page that never ends")
                self.wfile.flush()
                server._stop.wait(30)

            def _send_trickle(self, route: Route) -> None:
                header = b"X-Padding: " + b"x" * route.size + b"\r\n"
                head = b"HTTP/1.1 200 OK\r\n" + header + b"Content-Type: text/html\r\n"
                try:
                    for byte in head:
                        if server._stop.wait(route.interval_s):
                            return
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                    length = f"Content-Length: {len(route.body)}\r\n\r\n".encode()
                    self.wfile.write(length + route.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

        return Handler


class _QuietServer(ThreadingHTTPServer):
    """Says nothing when a client hangs up early, which the fetcher does on purpose."""

    def handle_error(self, request: object, client_address: object) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)
