"""The fields of the API's request bodies, checked as the CLI checks its arguments: each
wrong one is an InputError naming it (422), before any library function runs."""

from __future__ import annotations

import json
from datetime import date, datetime
from datetime import time as clock
from typing import Any

from starlette.requests import Request

from cadence import edit
from cadence.app.guard import MAX_BODY, TooLarge, _TooLarge
from cadence.errors import InputError
from cadence.session import Request as Change
from cadence.session import Workspace


async def body(request: Request) -> dict[str, Any]:
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


def text_field(body: dict[str, Any], key: str, required: bool = True) -> str | None:
    value = body.get(key)
    if value is None or value == "":
        if required:
            raise InputError(f"'{key}' is missing")
        return None
    if not isinstance(value, str) or len(value) > 200:
        raise InputError(f"'{key}' must be text of at most 200 characters")
    return value


def date_field(body: dict[str, Any], key: str, required: bool = True) -> date | None:
    value = text_field(body, key, required)
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(f"'{key}': {value!r} is not a date (YYYY-MM-DD)") from None


def time_field(body: dict[str, Any], key: str) -> clock | None:
    value = text_field(body, key, required=False)
    if value is None:
        return None
    try:
        return datetime.strptime(value, "%H:%M").time()
    except ValueError:
        raise InputError(f"'{key}': {value!r} is not a time (HH:MM)") from None


def version(body: dict[str, Any]) -> int:
    value = body.get("version")
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise InputError("'version' is missing: the version of the plan the page shows")
    return value


def change(body: dict[str, Any]) -> Change:
    kind = body.get("kind")
    if kind not in ("move", "cancel", "add"):
        raise InputError("'kind' must be move, cancel or add")
    return Change(
        kind=kind,
        meeting=text_field(body, "meeting", kind != "add") or "",
        group=text_field(body, "group", kind == "add") or "",
        day=date_field(body, "date", kind != "cancel"),
        at=time_field(body, "time"),
    )


def edited(workspace: Workspace, body: dict[str, Any]) -> edit.Edited:
    text = workspace.scenario.read_text(encoding="utf-8")
    kind = body.get("kind")
    if kind == "absence":
        start = date_field(body, "start")
        end = date_field(body, "end")
        assert start is not None and end is not None
        return edit.add_absence(
            text, text_field(body, "person") or "", start, end, text_field(body, "reason") or ""
        )
    if kind == "fixed":
        day = date_field(body, "date")
        assert day is not None
        return edit.add_fixed(text, text_field(body, "group") or "", day, time_field(body, "time"))
    if kind == "blocked":
        day = date_field(body, "date")
        assert day is not None
        return edit.add_blocked_day(text, day, text_field(body, "name") or "")
    raise InputError("'kind' must be absence, fixed or blocked")


def option(body: dict[str, Any]) -> int:
    value = body.get("option")
    if not isinstance(value, int) or isinstance(value, bool):
        raise InputError("'option' must be the number of an option")
    return value
