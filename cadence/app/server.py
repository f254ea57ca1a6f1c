"""The workbench's HTTP side: pages, the JSON API, and the guards in front of them.

Guards, in the order a request meets them:

- **Host**: bound to loopback, only a loopback ``Host`` header is answered (a page on another
  site cannot reach the app through DNS rebinding).
- **Token**: bound elsewhere, every request carries the token printed at start (``?token=``
  once, then an HttpOnly cookie; or ``Authorization: Bearer``), else 401.
- **CSRF and origin**: a request that changes state carries ``X-CSRF-Token`` equal to the
  page's ``<meta name="csrf-token">`` and comes from the app's own origin, else 403.
- **Size**: a body larger than :data:`MAX_BODY` is refused (413) before it is read whole.

One writer at a time is the output folder's lock (:meth:`cadence.session.Workspace.writing`);
a request made against an older version gets 409 and changes nothing.
"""

from __future__ import annotations

import contextlib
import hmac
import json
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from datetime import time as clock
from functools import partial
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from cadence import edit, solver, sv
from cadence import explain as explaining
from cadence.app import views
from cadence.errors import InfeasibleError, InputError
from cadence.export import wheel
from cadence.export.report import MARKDOWN as REPORT_MD
from cadence.history import Stale
from cadence.output import Busy
from cadence.progress import gap
from cadence.serve import TYPES, resolve
from cadence.session import Proposal, Workspace
from cadence.session import Request as Change

HERE = Path(__file__).parent
MAX_BODY = 64 * 1024
"""Bytes of a request body: a change or a form is a few hundred."""
EXPLAIN_TIME_LIMIT = 5.0
"""Deterministic seconds for an explanation's re-planned days (the CLI's default is 20, which
takes a minute on Sörmland; the page shows what this budget leaves undecided)."""
LOOPBACK = ("127.0.0.1", "::1", "localhost")
SAFE = ("GET", "HEAD", "OPTIONS")
COOKIE = "cadence_token"


@dataclass
class Work:
    """What the app is busy with, for the page's progress line (``GET /api/status``)."""

    phase: str = ""
    started: float = 0.0
    best: str = ""
    error: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def begin(self, phase: str) -> None:
        with self.lock:
            self.phase, self.started, self.best, self.error = phase, time.monotonic(), "", ""

    def progress(self, elapsed: float, objective: float, bound: float) -> None:
        share = gap(objective, bound)
        best = f"bästa plan hittills {objective:.0f}"
        if share is not None:
            best += f", högst {share:.0%} från den bästa möjliga"
        with self.lock:
            self.best = best

    def end(self, error: str = "") -> None:
        with self.lock:
            self.phase, self.error = "", error

    def as_json(self) -> dict[str, Any]:
        with self.lock:
            busy = bool(self.phase)
            return {
                "busy": busy,
                "phase": self.phase,
                "seconds": round(time.monotonic() - self.started, 1) if busy else 0,
                "best": self.best,
                "error": self.error,
            }


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


def _error(status: int, message: str, **extra: Any) -> JSONResponse:
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
            return _error(421, "fel värdnamn: appen svarar bara på 127.0.0.1")
        if config.token and not self._has_token(request):
            return _error(401, "token saknas: öppna adressen som skrevs ut när appen startade")
        cross = request.headers.get("sec-fetch-site") == "cross-site"
        if cross and request.url.path.startswith("/api/"):
            return _error(403, "begäran kommer från en annan webbplats")
        if request.method not in SAFE:
            sent = request.headers.get("x-csrf-token", "")
            if not hmac.compare_digest(sent.encode(), config.csrf.encode()):
                return _error(403, "CSRF-token saknas eller är fel: ladda om sidan")
            if not _same_origin(request):
                return _error(403, "begäran kommer från en annan webbplats")
            length = request.headers.get("content-length")
            if length is not None and (not length.isdigit() or int(length) > MAX_BODY):
                return _error(413, f"för stor begäran (högst {MAX_BODY} byte)")
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


# -- Reading a request's body -----------------------------------------------------------------


class TooLarge(InputError):
    """A request body over :data:`MAX_BODY` (answered 413)."""


async def _body(request: Request) -> dict[str, Any]:
    try:
        data = await request.body()
    except _TooLarge:
        raise TooLarge(f"the request is larger than {MAX_BODY} bytes") from None
    if len(data) > MAX_BODY:
        raise TooLarge(f"the request is larger than {MAX_BODY} bytes")
    try:
        body = json.loads(data or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise InputError("the request body is not JSON") from None
    if not isinstance(body, dict):
        raise InputError("the request body must be a JSON object")
    return body


def _text(body: dict[str, Any], key: str, required: bool = True) -> str | None:
    value = body.get(key)
    if value is None or value == "":
        if required:
            raise InputError(f"'{key}' is missing")
        return None
    if not isinstance(value, str) or len(value) > 200:
        raise InputError(f"'{key}' must be text of at most 200 characters")
    return value


def _date(body: dict[str, Any], key: str, required: bool = True) -> date | None:
    value = _text(body, key, required)
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(f"'{key}': {value!r} is not a date (YYYY-MM-DD)") from None


def _time(body: dict[str, Any], key: str) -> clock | None:
    value = _text(body, key, required=False)
    if value is None:
        return None
    try:
        return datetime.strptime(value, "%H:%M").time()
    except ValueError:
        raise InputError(f"'{key}': {value!r} is not a time (HH:MM)") from None


def _version(body: dict[str, Any]) -> int:
    value = body.get("version")
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise InputError("'version' is missing: the version of the plan the page shows")
    return value


def _change(body: dict[str, Any]) -> Change:
    kind = body.get("kind")
    if kind not in ("move", "cancel", "add"):
        raise InputError("'kind' must be move, cancel or add")
    return Change(
        kind=kind,
        meeting=_text(body, "meeting", kind != "add") or "",
        group=_text(body, "group", kind == "add") or "",
        day=_date(body, "date", kind != "cancel"),
        at=_time(body, "time"),
    )


def _edited(workspace: Workspace, body: dict[str, Any]) -> edit.Edited:
    text = workspace.scenario.read_text(encoding="utf-8")
    kind = body.get("kind")
    if kind == "absence":
        start = _date(body, "start")
        end = _date(body, "end")
        assert start is not None and end is not None
        return edit.add_absence(
            text, _text(body, "person") or "", start, end, _text(body, "reason") or ""
        )
    if kind == "fixed":
        day = _date(body, "date")
        assert day is not None
        return edit.add_fixed(text, _text(body, "group") or "", day, _time(body, "time"))
    if kind == "blocked":
        day = _date(body, "date")
        assert day is not None
        return edit.add_blocked_day(text, day, _text(body, "name") or "")
    raise InputError("'kind' must be absence, fixed or blocked")


def _option(body: dict[str, Any]) -> int:
    value = body.get("option")
    if not isinstance(value, int) or isinstance(value, bool):
        raise InputError("'option' must be the number of an option")
    return value


# -- The application --------------------------------------------------------------------------


def create_app(config: Config) -> Any:
    """The workbench over ``config.workspace``: Starlette routes behind :class:`Guard`."""
    workspace = config.workspace
    work = Work()
    templates = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )

    def busy(phase: str, job: Callable[[], Any]) -> Any:
        work.begin(phase)
        try:
            result = job()
        except Exception as err:
            work.end(str(err))
            raise
        work.end()
        return result

    def answer(job: Callable[[], Response]) -> Response:
        """Run ``job``, turning cadence's errors into the API's answers."""
        try:
            return job()
        except Stale as err:
            return _error(409, str(err), current=err.current)
        except Busy as err:
            return _error(503, str(err))
        except TooLarge as err:
            return _error(413, str(err))
        except InfeasibleError as err:
            return JSONResponse({"status": "refused", "message": str(err)})
        except InputError as err:
            problems = [str(p) for p in err.problems]
            return _error(422, str(err), problems=problems)

    def checked_version(body: dict[str, Any]) -> int:
        expected = _version(body)
        head = workspace.history.head()
        if head is None or head.id != expected:
            raise Stale(expected, head.id if head else None)
        return expected

    def page(request: Request) -> Response:
        if not workspace.has_plan():
            html = templates.get_template("planning.html").render(
                csrf=config.csrf, status=work.as_json()
            )
            return HTMLResponse(html)
        now = workspace.current()
        scenario = now.loaded.scenario
        data = views.plan_json(now)
        by_group: dict[str, dict[str, list[dict[str, Any]]]] = {}
        for m in data["meetings"]:
            by_group.setdefault(m["group"], {}).setdefault(m["date"][:7], []).append(m)
        _, since = workspace.since_announced()
        html = templates.get_template("index.html").render(
            csrf=config.csrf,
            plan=data,
            scenario=scenario,
            order=views.group_order(scenario),
            kind_names=views.KIND_NAMES,
            months=views.months(scenario),
            month_name=lambda d: sv.month_year(d).split()[0][:3],
            by_group=by_group,
            wheels=[wheel.wheel_svg(scenario, now.plan, t) for t in wheel.years(scenario)],
            feeds=views.feeds(now),
            base=scenario.publish.base,
            host=request.headers.get("host", f"127.0.0.1:{config.port}"),
            folder=workspace.folder,
            report=since,
            announced=workspace.history.announced(),
            has_report=(workspace.folder / REPORT_MD).is_file(),
            lineage=workspace.history.lineage(),
            start_times=sorted({t for g in scenario.groups for t in g.start_times}),
        )
        return HTMLResponse(html)

    def plan(request: Request) -> Response:
        if not workspace.has_plan():
            return JSONResponse({"status": "planning", **work.as_json()}, status_code=503)
        return answer(lambda: JSONResponse(views.plan_json(workspace.current())))

    def explain_meeting(request: Request) -> Response:
        meeting = request.path_params["meeting"]
        settings = solver.Settings(time_limit=EXPLAIN_TIME_LIMIT, workers=2)
        days = request.query_params.get("days", "1") != "0"

        def job() -> Response:
            found = busy(f"Förklarar {meeting}",
                         lambda: workspace.explain(meeting, settings, days))  # fmt: skip
            return JSONResponse(explaining.as_dict(found) | {"days": days})

        return answer(job)

    async def changes(request: Request) -> Response:
        try:
            body = await _body(request)
        except InputError as err:
            return answer(partial(_raise, err))

        def job() -> Response:
            checked_version(body)
            change = _change(body)
            proposal = busy("Räknar på ändringen", lambda: workspace.propose(change, work.progress))
            return JSONResponse(views.proposal_json(proposal))

        return await _threaded(lambda: answer(job))

    async def apply_change(request: Request) -> Response:
        try:
            body = await _body(request)
        except InputError as err:
            return answer(partial(_raise, err))

        def job() -> Response:
            expected = checked_version(body)
            change = _change(body)
            option = _option(body)
            proposal = busy("Räknar på ändringen", lambda: workspace.propose(change, work.progress))
            return _applied(workspace.apply(proposal, option, expected, config.clock()).id)

        return await _threaded(lambda: answer(job))

    async def edits(request: Request) -> Response:
        try:
            body = await _body(request)
        except InputError as err:
            return answer(partial(_raise, err))

        def job() -> Response:
            checked_version(body)
            edited = _edited(workspace, body)
            proposal = busy(
                "Räknar på ändringen", lambda: workspace.propose_edit(edited, work.progress)
            )
            return JSONResponse(views.proposal_json(proposal))

        return await _threaded(lambda: answer(job))

    async def apply_edit(request: Request) -> Response:
        try:
            body = await _body(request)
        except InputError as err:
            return answer(partial(_raise, err))

        def job() -> Response:
            expected = checked_version(body)
            edited = _edited(workspace, body)
            proposal: Proposal = busy(
                "Räknar på ändringen", lambda: workspace.propose_edit(edited, work.progress)
            )
            return _applied(workspace.apply(proposal, _option(body), expected, config.clock()).id)

        return await _threaded(lambda: answer(job))

    async def undo(request: Request) -> Response:
        try:
            body = await _body(request)
        except InputError as err:
            return answer(partial(_raise, err))

        def job() -> Response:
            version = workspace.undo(_version(body))
            return JSONResponse({"status": "undone", "version": version.id})

        return await _threaded(lambda: answer(job))

    async def announce(request: Request) -> Response:
        try:
            body = await _body(request)
        except InputError as err:
            return answer(partial(_raise, err))

        def job() -> Response:
            version = workspace.announce(_version(body))
            return JSONResponse({"status": "announced", "version": version.id})

        return await _threaded(lambda: answer(job))

    def history(request: Request) -> Response:
        def job() -> Response:
            workspace.current()  # records a change made outside the app first
            return JSONResponse(
                {
                    "versions": [
                        v.as_json() | {"files": len(v.files)} for v in workspace.history.lineage()
                    ]
                }
            )

        return answer(job)

    def status(request: Request) -> Response:
        return JSONResponse(work.as_json())

    def files(request: Request) -> Response:
        path = resolve(workspace.folder.resolve(), "/" + request.path_params["path"])
        if path is None:
            return _error(404, "ingen sådan fil")
        kind = TYPES.get(path.suffix, "application/octet-stream")
        return Response(
            path.read_bytes(), media_type=kind.split(";")[0], headers={"content-type": kind}
        )

    routes = [
        Route("/", page),
        Route("/api/plan", plan),
        Route("/api/meetings/{meeting}/explain", explain_meeting),
        Route("/api/changes", changes, methods=["POST"]),
        Route("/api/changes/apply", apply_change, methods=["POST"]),
        Route("/api/edits", edits, methods=["POST"]),
        Route("/api/edits/apply", apply_edit, methods=["POST"]),
        Route("/api/undo", undo, methods=["POST"]),
        Route("/api/announce", announce, methods=["POST"]),
        Route("/api/history", history),
        Route("/api/status", status),
        Route("/files/{path:path}", files),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    app = Starlette(routes=routes)
    app.state.work = work

    def first_plan() -> None:
        with contextlib.suppress(Exception):
            busy("Planerar året", lambda: workspace.plan_first(work.progress, config.clock()))

    if not workspace.has_plan():
        threading.Thread(target=first_plan, daemon=True).start()
    return Guard(app, config)


def _raise(err: Exception) -> Response:
    raise err


def _applied(version: int) -> Response:
    return JSONResponse({"status": "applied", "version": version})


async def _threaded(job: Callable[[], Response]) -> Response:
    """Solve outside the event loop, so the page's progress polls are answered meanwhile."""
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(job)
