"""The workbench's HTTP side: the page and the JSON API (docs/app-api.md), behind the guards of
:mod:`cadence.app.guard`. One writer at a time is the output folder's lock
(:meth:`cadence.session.Workspace.writing`); a request made against an older version gets 409
and changes nothing.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from cadence import explain as explaining
from cadence import solver, sv
from cadence.app import fields, views
from cadence.app.guard import Config, Guard, TooLarge, error
from cadence.errors import InfeasibleError, InputError
from cadence.export import wheel
from cadence.export.report import MARKDOWN as REPORT_MD
from cadence.history import Stale
from cadence.output import Busy
from cadence.progress import gap
from cadence.serve import TYPES, resolve
from cadence.session import Proposal

HERE = Path(__file__).parent
EXPLAIN_TIME_LIMIT = 5.0
"""Deterministic seconds for an explanation's re-planned days (the CLI's default is 20, which
takes a minute on Sörmland; the page shows what this budget leaves undecided)."""


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
            return error(409, str(err), current=err.current)
        except Busy as err:
            return error(503, str(err))
        except TooLarge as err:
            return error(413, str(err))
        except InfeasibleError as err:
            return JSONResponse({"status": "refused", "message": str(err)})
        except InputError as err:
            problems = [str(p) for p in err.problems]
            return error(422, str(err), problems=problems)

    def checked_version(body: dict[str, Any]) -> int:
        expected = fields.version(body)
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

    def posted(
        handle: Callable[[dict[str, Any]], Response],
    ) -> Callable[[Request], Awaitable[Response]]:
        """A state-changing endpoint: its body read and capped, then ``handle`` in a thread."""

        async def endpoint(request: Request) -> Response:
            try:
                body = await fields.body(request)
            except InputError as err:
                return answer(partial(_raise, err))
            return await _threaded(lambda: answer(partial(handle, body)))

        return endpoint

    def proposed_change(body: dict[str, Any]) -> Proposal:
        change = fields.change(body)
        return busy("Räknar på ändringen", lambda: workspace.propose(change, work.progress))

    def proposed_edit(body: dict[str, Any]) -> Proposal:
        edited = fields.edited(workspace, body)
        return busy("Räknar på ändringen", lambda: workspace.propose_edit(edited, work.progress))

    @posted
    def changes(body: dict[str, Any]) -> Response:
        checked_version(body)
        return JSONResponse(views.proposal_json(proposed_change(body)))

    @posted
    def apply_change(body: dict[str, Any]) -> Response:
        expected = checked_version(body)
        option = fields.option(body)  # a bad option refused before the re-plan
        proposal = proposed_change(body)
        return _applied(workspace.apply(proposal, option, expected, config.clock()).id)

    @posted
    def edits(body: dict[str, Any]) -> Response:
        checked_version(body)
        return JSONResponse(views.proposal_json(proposed_edit(body)))

    @posted
    def apply_edit(body: dict[str, Any]) -> Response:
        expected = checked_version(body)
        proposal = proposed_edit(body)
        return _applied(workspace.apply(proposal, fields.option(body), expected, config.clock()).id)

    @posted
    def undo(body: dict[str, Any]) -> Response:
        version = workspace.undo(fields.version(body))
        return JSONResponse({"status": "undone", "version": version.id})

    @posted
    def announce(body: dict[str, Any]) -> Response:
        version = workspace.announce(fields.version(body))
        return JSONResponse({"status": "announced", "version": version.id})

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
            return error(404, "ingen sådan fil")
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
