"""The guards in front of the workbench, in the order a request meets them.

- **Host**: bound to loopback, only a loopback ``Host`` header is answered (a page on another
  site cannot reach the app through DNS rebinding).
- **Token**: bound elsewhere, every request carries the token printed at start (``?token=``
  once, then an HttpOnly cookie; or ``Authorization: Bearer``), else 401.
- **Another site**: a request to the API that the browser marks ``Sec-Fetch-Site: cross-site``
  is refused (403), so no other page can make the app work.
- **CSRF and origin**: a request that changes state carries ``X-CSRF-Token`` equal to the
  page's ``<meta name="csrf-token">`` and comes from the app's own origin, else 403.
- **Size**: a body larger than :data:`MAX_BODY` is refused (413) before it is read whole.

Every answer carries a Content-Security-Policy that allows nothing from another site.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from cadence.errors import InputError
from cadence.session import Workspace

MAX_BODY = 64 * 1024
"""Bytes of a request body: a change or a form is a few hundred."""
LOOPBACK = ("127.0.0.1", "::1", "localhost")
SAFE = ("GET", "HEAD", "OPTIONS")
COOKIE = "cadence_token"


@dataclass
class Config:
    workspace: Workspace
    host: str = "127.0.0.1"
    port: int = 8765
    token: str | None = None
    """Required on every request when bound beyond loopback."""
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    clock: Callable[[], str] = field(
        default=lambda: datetime.now(UTC).replace(microsecond=0).isoformat()
    )
    """When a version is applied, for the history's audit trail (the plan never reads it)."""


def error(status: int, message: str, **extra: Any) -> JSONResponse:
    return JSONResponse({"status": "error", "message": message, **extra}, status_code=status)


class Guard:
    """ASGI middleware: host, token, CSRF, origin and body size, before any route runs."""

    def __init__(self, app: Any, config: Config):
        self.app = app
        self.config = config

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        refusal = self._refusal(request)
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        token = request.query_params.get("token")
        if self.config.token and token and request.method == "GET":
            # The printed address carries the token once; keep it in a cookie, drop it from the URL.
            response = RedirectResponse(request.url.remove_query_params("token"), 303)
            response.set_cookie(COOKIE, token, httponly=True, samesite="strict")
            await response(scope, receive, send)
            return
        await self.app(scope, _capped(receive), _secured(send))

    def _refusal(self, request: Request) -> Response | None:
        config = self.config
        host = (request.headers.get("host") or "").rsplit(":", 1)[0].strip("[]")
        if config.host in LOOPBACK and host not in LOOPBACK:
            return error(421, "fel värdnamn: appen svarar bara på 127.0.0.1")
        if config.token and not self._has_token(request):
            return error(401, "token saknas: öppna adressen som skrevs ut när appen startade")
        cross = request.headers.get("sec-fetch-site") == "cross-site"
        if cross and request.url.path.startswith("/api/"):
            return error(403, "begäran kommer från en annan webbplats")
        if request.method not in SAFE:
            sent = request.headers.get("x-csrf-token", "")
            if not hmac.compare_digest(sent.encode(), config.csrf.encode()):
                return error(403, "CSRF-token saknas eller är fel: ladda om sidan")
            if not _same_origin(request):
                return error(403, "begäran kommer från en annan webbplats")
            length = request.headers.get("content-length")
            if length is not None and (not length.isdigit() or int(length) > MAX_BODY):
                return error(413, f"för stor begäran (högst {MAX_BODY} byte)")
        return None

    def _has_token(self, request: Request) -> bool:
        expected = (self.config.token or "").encode()
        offered = [
            request.cookies.get(COOKIE, ""),
            request.query_params.get("token", ""),
            request.headers.get("authorization", "").removeprefix("Bearer "),
        ]
        return any(hmac.compare_digest(o.encode(), expected) for o in offered if o)


def _same_origin(request: Request) -> bool:
    """The request's Origin (or, without one, its Referer) is the app's own address."""
    own = f"{request.url.scheme}://{request.headers.get('host', '')}"
    origin = request.headers.get("origin")
    if origin is not None:
        return origin == own
    site = request.headers.get("sec-fetch-site")
    if site is not None:
        return site in ("same-origin", "none")
    referer = request.headers.get("referer")
    return referer is None or referer.startswith(own + "/")


def _capped(receive: Any) -> Any:
    """Stop reading a body (even one sent without Content-Length) past MAX_BODY."""
    seen = 0

    async def wrapped() -> Any:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > MAX_BODY:
                raise _TooLarge
        return message

    return wrapped


class _TooLarge(Exception):
    pass


CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "form-action 'self'"
)


def _secured(send: Any) -> Any:
    async def wrapped(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", []))
            headers += [
                (b"content-security-policy", CSP.encode()),
                (b"x-content-type-options", b"nosniff"),
                (b"referrer-policy", b"same-origin"),
                (b"x-frame-options", b"DENY"),
                (b"cache-control", b"no-store"),
            ]
            message = {**message, "headers": headers}
        await send(message)

    return wrapped


class TooLarge(InputError):
    """A request body over :data:`MAX_BODY` (answered 413)."""
