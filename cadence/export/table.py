"""plan.csv: one row per meeting, and reading it (or an edited .xlsx) back for checking."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from cadence.errors import InputError
from cadence.export.workbook import is_sheet_layout, meetings_from_sheet
from cadence.plan import Meeting, Plan
from cadence.scenario import Scenario

COLUMNS = ("id", "uid", "group", "start", "end", "location", "chair", "agenda", "items",
           "prepares", "prepared_by", "notice", "note", "status")  # fmt: skip
PLANNED, CANCELLED = "planned", "cancelled"
"""The status column: cancelled meetings stay in plan.csv, as in the feeds."""
_SEPARATOR = "; "


def plan_frame(plan: Plan) -> pd.DataFrame:
    both = [(m, PLANNED) for m in plan.meetings] + [(m, CANCELLED) for m in plan.cancelled]
    rows = [
        {
            "id": m.id,
            "uid": m.uid,
            "group": m.group,
            "start": m.start.isoformat(),
            "end": m.end.isoformat(),
            "location": m.location,
            "chair": m.chair or "",
            "agenda": _SEPARATOR.join(m.agenda),
            "items": _SEPARATOR.join(m.items),
            "prepares": _SEPARATOR.join(m.prepares),
            "prepared_by": _SEPARATOR.join(m.prepared_by),
            "notice": m.notice.isoformat() if m.notice else "",
            "note": m.note or "",
            "status": status,
        }
        for m, status in sorted(both, key=lambda ms: (ms[0].start, ms[0].group))
    ]
    return pd.DataFrame(rows, columns=list(COLUMNS))


def plan_csv(plan: Plan) -> bytes:
    """The machine format: UTF-8 without BOM, comma-separated, a header row, ISO 8601 times with
    their UTC offsets (read them with ``pd.to_datetime(..., utc=True)``), lists joined with
    "; ", a status column (planned, cancelled); same plan, same bytes. People open plan.xlsx."""
    buffer = io.StringIO()
    plan_frame(plan).to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue().encode("utf-8")


def read_plan(path: Path, scenario: Scenario | None = None) -> Plan:
    """Read plan.csv, or plan.xlsx as the coordinator edited it (its first sheet: either the
    Swedish layout cadence writes, or the columns of plan.csv)."""
    name = scenario.name if scenario else ""
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            frame = pd.read_excel(path, dtype=object, keep_default_na=False)
            if is_sheet_layout([str(c) for c in frame.columns]):
                timezone = scenario.period.timezone if scenario else "Europe/Stockholm"
                rows = frame.to_dict("records")
                meetings = meetings_from_sheet(rows, timezone, str(path), scenario)
                return Plan(name, tuple(meetings), status="edited")
            frame = frame.astype(str)
        else:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: no such plan file") from None
    except (OSError, ValueError, UnicodeDecodeError, zipfile.BadZipFile) as err:
        raise InputError(f"{path}: cannot read the plan: {err}") from None
    missing = [c for c in ("id", "group", "start", "end") if c not in frame.columns]
    if missing:
        raise InputError(f"{path}: the plan has no column {', '.join(missing)}")
    meetings = []
    for number, row in enumerate(frame.to_dict("records"), start=2):
        if str(row.get("status", "")).strip().lower() == CANCELLED:
            continue  # in the file for people and programs, not in the plan
        try:
            start = datetime.fromisoformat(str(row["start"]))
            end = datetime.fromisoformat(str(row["end"]))
        except ValueError:
            raise InputError(
                f"{path}:{number} start/end: '{row['start']}'/'{row['end']}' are not ISO 8601 times"
            ) from None
        if start.tzinfo is None or end.tzinfo is None:
            raise InputError(f"{path}:{number} start/end: times need their UTC offset (+01:00)")

        notice = None
        if str(row.get("notice", "") or "").strip():
            try:
                notice = date.fromisoformat(str(row["notice"]).strip())
            except ValueError:
                raise InputError(
                    f"{path}:{number} notice: '{row['notice']}' is not a date like 2026-03-05"
                ) from None

        def split(key: str, row: dict = row) -> tuple[str, ...]:
            value = str(row.get(key, "") or "")
            return tuple(part.strip() for part in value.split(";") if part.strip())

        meetings.append(
            Meeting(
                id=str(row["id"]),
                uid=str(row.get("uid", "")),
                group=str(row["group"]),
                start=start,
                end=end,
                location=str(row.get("location", "")),
                chair=str(row.get("chair", "")) or None,
                items=split("items"),
                agenda=split("agenda"),
                prepares=split("prepares"),
                prepared_by=split("prepared_by"),
                notice=notice,
                note=str(row.get("note", "") or "") or None,
            )
        )
    return Plan(name, tuple(meetings), status="edited")
