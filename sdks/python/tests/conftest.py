"""A local HTTP server whose answers the test scripts, recording every request (method, path, headers, JSON body)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, List, Optional, Tuple

import pytest

# An answer: (status, headers, body), or None to close the connection without answering.
Answer = Optional[Tuple[int, dict, dict]]


class ScriptedServer:
    def __init__(self, respond: Callable[[dict, int], Answer]) -> None:
        self.requests: List[dict] = []
        self._respond = respond
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length) or b"null")
                request = {"path": self.path, "headers": dict(self.headers), "body": body}
                server.requests.append(request)
                answer = server._respond(body, len(server.requests))
                if answer is None:
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                status, headers, payload = answer
                data = json.dumps(payload).encode()
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


def accepted(body: dict) -> Tuple[int, dict, dict]:
    items = body["items"]
    return 200, {}, {"accepted": len(items), "duplicates": 0, "ids": [str(i) for i in range(len(items))]}


@pytest.fixture
def scripted_server():
    servers: List[ScriptedServer] = []

    def start(respond: Callable[[dict, int], Answer]) -> ScriptedServer:
        server = ScriptedServer(respond)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()
