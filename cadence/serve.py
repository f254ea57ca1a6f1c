"""``cadence serve``: the output folder over HTTP, so calendar clients can subscribe.

Only files inside the folder, never a hidden one (the manifest, a run's staging folder), no
directory listings (``/`` is index.html), GET and HEAD only. ETag and Last-Modified let clients
ask "has it changed?" and get 304 Not Modified. A file is read whole in one go, and cadence
replaces files with atomic renames, so a feed is never served half-written.

Load is bounded: at most ``WORKERS`` connections are served at once, the rest wait in the
kernel's listen queue (``BACKLOG``) until a worker is free, and a client must send its request
line and headers within ``HEADER_SECONDS`` or the connection is closed, so clients that trickle
bytes cannot hold the workers.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import socket
import threading
import time
from datetime import UTC
from email.utils import formatdate, parsedate_to_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

TYPES = {
    ".ics": "text/calendar; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".svg": "image/svg+xml",
    ".csv": "text/csv; charset=utf-8",
    ".json": "application/json",
    ".md": "text/markdown; charset=utf-8",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def resolve(root: Path, url_path: str) -> Path | None:
    """The file a URL path names inside ``root``, or None when it names nothing servable."""
    path = unquote(urlsplit(url_path).path)
    if path.endswith("/"):
        path += "index.html"
    parts = [p for p in path.split("/") if p]
    if not parts or any(p.startswith(".") or "\\" in p or "\0" in p for p in parts):
        return None
    candidate = root.joinpath(*parts)
    try:
        real = candidate.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if not real.is_file() or not real.is_relative_to(root):
        return None
    if any(p.startswith(".") for p in real.relative_to(root).parts):
        return None  # a link inside the folder to a hidden file is hidden too
    return real


WORKERS = 32
"""Connections served at once."""
BACKLOG = 1024
"""Connections the kernel holds until a worker is free (capped by net.core.somaxconn)."""
HEADER_SECONDS = 10.0
"""Time a client has for its request line and headers, however slowly it sends them."""


class Handler(BaseHTTPRequestHandler):
    root: Path
    server_version = "cadence"
    timeout = 30  # seconds a single read or write may wait
    sys_version = ""
    header_seconds = HEADER_SECONDS
    _deadline: threading.Timer | None = None

    def handle_one_request(self) -> None:
        # Each request on a kept-alive connection gets its own deadline for its headers; the
        # timer shuts the socket down, which ends a read that is blocked or trickling.
        self._deadline = threading.Timer(self.header_seconds, self._too_slow)
        self._deadline.daemon = True
        self._deadline.start()
        try:
            super().handle_one_request()
        finally:
            self._deadline.cancel()

    def parse_request(self) -> bool:
        try:
            return super().parse_request()
        finally:
            if self._deadline is not None:
                self._deadline.cancel()  # headers are in: answering may take its time

    def _too_slow(self) -> None:
        self.close_connection = True
        with contextlib.suppress(OSError):  # already closed
            self.connection.shutdown(socket.SHUT_RDWR)

    def do_GET(self) -> None:
        self._answer(body=True)

    def do_HEAD(self) -> None:
        self._answer(body=False)

    def _refuse(self) -> None:
        self.send_response(HTTPStatus.METHOD_NOT_ALLOWED)
        self.send_header("Allow", "GET, HEAD")
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_PROPFIND = do_TRACE = _refuse

    def _answer(self, body: bool) -> None:
        path = resolve(self.root, self.path)
        if path is None:
            self._plain(HTTPStatus.NOT_FOUND, "Not found\n", body)
            return
        try:
            with open(path, "rb") as handle:  # content and date of the same file
                modified = int(os.fstat(handle.fileno()).st_mtime)
                content = handle.read()
        except OSError:
            self._plain(HTTPStatus.NOT_FOUND, "Not found\n", body)
            return
        etag = '"' + hashlib.sha256(content).hexdigest()[:32] + '"'
        if self._unchanged(etag, modified):
            self.send_response(HTTPStatus.NOT_MODIFIED)
            self._validators(etag, modified)
            self.end_headers()
            return
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", TYPES.get(path.suffix.lower(), "application/octet-stream"))
        self.send_header("Content-Length", str(len(content)))
        self._validators(etag, modified)
        self.end_headers()
        if body:
            self.wfile.write(content)

    def _validators(self, etag: str, modified: int) -> None:
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", formatdate(modified, usegmt=True))
        self.send_header("Cache-Control", "no-cache")
        self.send_header("X-Content-Type-Options", "nosniff")

    def _unchanged(self, etag: str, modified: int) -> bool:
        """RFC 9110 §13.2.2: If-None-Match decides when present, else If-Modified-Since."""
        match = self.headers.get("If-None-Match")
        if match is not None:
            tags = [t.strip().removeprefix("W/") for t in match.split(",")]
            return "*" in tags or etag in tags
        since = self.headers.get("If-Modified-Since")
        if since is None:
            return False
        try:
            when = parsedate_to_datetime(since)
        except (TypeError, ValueError, IndexError, OverflowError):
            return False
        if when.tzinfo is None:  # "-0000": RFC 5322's unknown zone; HTTP dates are GMT
            when = when.replace(tzinfo=UTC)
        if when.timestamp() > time.time():
            return False  # RFC 9110 §13.1.3: a date in the future is ignored
        return modified <= when.timestamp()

    def _plain(self, status: HTTPStatus, text: str, body: bool) -> None:
        data = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if body:
            self.wfile.write(data)


class BoundedServer(HTTPServer):
    """An HTTP server with at most ``workers`` connections in service at once.

    When every worker is busy the accept loop waits, so further connections queue in the
    kernel (``request_queue_size``) instead of each getting a thread of its own.
    """

    request_queue_size = BACKLOG

    def __init__(self, address: tuple[str, int], handler: type[Handler], workers: int = WORKERS):
        self._slots = threading.BoundedSemaphore(workers)
        super().__init__(address, handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        self._slots.acquire()
        try:
            threading.Thread(
                target=self._serve, args=(request, client_address), daemon=True
            ).start()
        except RuntimeError:  # no thread to be had: drop this connection, keep serving
            self._slots.release()
            self.shutdown_request(request)

    def _serve(self, request: Any, client_address: Any) -> None:
        try:
            self.finish_request(request, client_address)
        except OSError:
            pass  # the client went away, or was too slow and was cut off
        except Exception:
            self.handle_error(request, client_address)
        finally:
            self.shutdown_request(request)
            self._slots.release()


def make_server(
    folder: Path,
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int = WORKERS,
    header_seconds: float = HEADER_SECONDS,
) -> BoundedServer:
    """A server for ``folder`` (not yet serving: call ``serve_forever``)."""
    handler = type(
        "FolderHandler", (Handler,), {"root": folder.resolve(), "header_seconds": header_seconds}
    )
    return BoundedServer((host, port), handler, workers)
