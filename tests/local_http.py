"""A throwaway HTTP server on 127.0.0.1 (random port) serving fixed routes, for crawl tests."""
from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class LocalServer:
    """``routes``: path (with query) -> (status, headers dict, body bytes). Anything else is a 404.
    Or ``answer(method, path, body) -> (status, headers, body)`` for a server that computes its
    answers (tests/fake_scrapyd.py).

    ``hits`` lists the paths requested, so a test can assert a replay never reached it.
    """

    def __init__(self, routes: dict[str, tuple[int, dict, bytes]] | None = None, answer=None):
        self.routes = routes or {}
        self.answer = answer or self._route
        self.hits: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server naming)
                self.reply(b"")

            def do_POST(self):  # noqa: N802
                self.reply(self.rfile.read(int(self.headers.get("Content-Length") or 0)))

            def reply(self, request_body: bytes):
                server.hits.append(self.path)
                status, headers, body = server.answer(self.command, self.path, request_body)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):  # keep test output quiet
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def _route(self, method: str, path: str, body: bytes) -> tuple[int, dict, bytes]:
        return self.routes.get(path, (404, {"Content-Type": "text/plain"}, b"nope"))

    @property
    def base(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def start(self) -> LocalServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)

    def __enter__(self) -> LocalServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
