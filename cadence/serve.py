"""``cadence serve``: the output folder over HTTP, so calendar clients can subscribe.

Only files inside the folder, never a hidden one (the manifest, a run's staging folder), no
directory listings (``/`` is index.html), GET and HEAD only. ETag and Last-Modified let clients
ask "has it changed?" and get 304 Not Modified. A file is read whole in one go, and cadence
replaces files with atomic renames, so a feed is never served half-written.
"""

from __future__ import annotations

import hashlib
import os
import time
from datetime import UTC
from email.utils import formatdate, parsedate_to_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
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


class Handler(BaseHTTPRequestHandler):
    root: Path
    server_version = "cadence"
    timeout = 30  # seconds an idle connection may stay open
    sys_version = ""

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


def make_server(folder: Path, host: str = "127.0.0.1", port: int = 8000) -> ThreadingHTTPServer:
    """A server for ``folder`` (not yet serving: call ``serve_forever``)."""
    handler = type("FolderHandler", (Handler,), {"root": folder.resolve()})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server
