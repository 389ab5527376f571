"""Another site on loopback, served by the test itself: a partner's page, an audio stream."""

from __future__ import annotations

import contextlib
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class LoopbackSite:
    """Serves fixed files at ``url`` (its own origin) from a thread until :meth:`stop`."""

    def __init__(self, files: dict[str, tuple[str, bytes]]) -> None:
        self.files = files
        self.requests: list[str] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                site.requests.append(self.path)
                found = site.files.get(self.path.split("?", 1)[0])
                if found is None:
                    self.send_error(HTTPStatus.NOT_FOUND)
                    return
                content_type, body = found
                self.send_response(HTTPStatus.OK)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                # The browser may hang up once it has heard enough.
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def at(self, path: str) -> str:
        return self.url + path

    def stop(self) -> None:
        """Stop answering and close the port: the site is gone, as a stream that went down."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()
