"""A fake Telegraph API (telegra.ph) on 127.0.0.1, in a thread: createPage and createAccount
answer as Telegraph does and every call is recorded; `refuse` makes every call fail as
Telegraph reports errors (``{"ok": false, "error": ...}``)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self
from urllib.parse import parse_qs


class FakeTelegraph:
    """The fake server; `url` is its API base, `calls` the (method, fields) received."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, str]]] = []
        self.refuse: str | None = None
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def pages(self) -> list[dict[str, str]]:
        """The fields of every createPage call."""
        return [fields for method, fields in self.calls if method == "createPage"]

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def _answer(self, method: str, fields: dict[str, str]) -> dict:
        self.calls.append((method, fields))
        if self.refuse is not None:
            return {"ok": False, "error": self.refuse}
        if method == "createAccount":
            return {"ok": True, "result": {"short_name": fields["short_name"],
                                           "access_token": "fake-token-1"}}  # fmt: skip
        if method == "createPage" and fields.get("access_token"):
            json.loads(fields["content"])  # Telegraph refuses content that is not JSON
            number = len(self.pages())
            return {"ok": True, "result": {"url": f"https://telegra.ph/Digest-{number}"}}
        return {"ok": False, "error": "ACCESS_TOKEN_INVALID"}

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
                fields = {k: v[0] for k, v in parse_qs(body, keep_blank_values=True).items()}
                answer = json.dumps(fake._answer(self.path.strip("/"), fields)).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

        return Handler
