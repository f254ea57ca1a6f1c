"""plan.xlsx: the plan as the coordinator edits and forwards it (pandas + openpyxl).

One sheet with every meeting, one per level (the groups' kinds), one of the blocked days. Dates
and times are real Excel values; headers are Swedish, frozen and filtered; columns are sized to
their contents. The coordinator may edit the first sheet and hand it to ``cadence check``:
:func:`meetings_from_sheet` reads it back.
"""

from __future__ import annotations

import io
import re
import zipfile
import zoneinfo
from collections.abc import Mapping
from datetime import date, datetime, time

import pandas as pd
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from cadence import sv
from cadence.calendar import WorkCalendar
from cadence.plan import Meeting, Plan
from cadence.scenario import Scenario

ALL_SHEET = "Alla möten"
BLOCKED_SHEET = "Blockerade dagar"
HEADERS = ("möte", "grupp", "datum", "veckodag", "vecka", "start", "slut", "plats",
           "ordförande", "dagordning", "bereder", "bereds av", "kallelse", "avvikelse",
           "status")  # fmt: skip
PLANNED, CANCELLED = "planerat", "inställt"
"""The status column: a cancelled meeting stays in the workbook (the feeds still carry it)."""
NOTE_KIND = {"holiday": "helgdag", "half_day": "halvdag", "blackout": "uppehåll", "avoid": "undvik"}
_FIXED_TIME = datetime(2000, 1, 1)  # the workbook's own timestamps: same plan, same bytes
_FORBIDDEN = str.maketrans({c: " " for c in "[]:*?/\\"})


def _row(scenario: Scenario, meeting: Meeting, cancelled: bool = False) -> dict[str, object]:
    day = meeting.start.date()
    return {
        "möte": meeting.id,
        "grupp": meeting.group,
        "datum": day,
        "veckodag": sv.weekday(day),
        "vecka": sv.iso_week(day),
        "start": meeting.start.time().replace(tzinfo=None),
        "slut": meeting.end.time().replace(tzinfo=None),
        "plats": meeting.location,
        "ordförande": scenario.person(meeting.chair).name if meeting.chair else "",
        "dagordning": "; ".join(meeting.agenda),
        "bereder": "; ".join(meeting.prepares),
        "bereds av": "; ".join(meeting.prepared_by),
        "kallelse": meeting.notice,
        "avvikelse": meeting.note or "",
        "status": CANCELLED if cancelled else PLANNED,
    }


def meeting_frame(
    scenario: Scenario, meetings: list[Meeting], cancelled: list[Meeting] | None = None
) -> pd.DataFrame:
    both = [(m, False) for m in meetings] + [(m, True) for m in cancelled or ()]
    rows = [
        _row(scenario, m, c) for m, c in sorted(both, key=lambda mc: (mc[0].start, mc[0].group))
    ]
    return pd.DataFrame(rows, columns=list(HEADERS))


def blocked_frame(scenario: Scenario) -> pd.DataFrame:
    cal = WorkCalendar(scenario.calendar, scenario.period)
    rows = [
        {
            "datum": note.day,
            "veckodag": sv.weekday(note.day),
            "vecka": sv.iso_week(note.day),
            "typ": NOTE_KIND[note.kind],
            "namn": note.name,
            "vikt": note.weight or None,
        }
        for note in cal.notes()
    ]
    return pd.DataFrame(rows, columns=["datum", "veckodag", "vecka", "typ", "namn", "vikt"])


def sheet_name(text: str, taken: set[str]) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\, unique."""
    base = text.translate(_FORBIDDEN).strip()[:31] or "Blad"
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


def _format(sheet: Worksheet, frame: pd.DataFrame) -> None:
    sheet.freeze_panes = "A2"
    if len(frame.columns):
        sheet.auto_filter.ref = sheet.dimensions
    for index, column in enumerate(frame.columns, start=1):
        letter = get_column_letter(index)
        values = [str(column)] + [_shown(v) for v in frame[column]]
        sheet.column_dimensions[letter].width = min(60, max(len(v) for v in values) + 2)
        for cell, value in zip(sheet[letter][1:], frame[column], strict=True):
            if isinstance(value, time):  # pandas writes times as text; Excel wants a time
                cell.value = value
                cell.number_format = "hh:mm"
            elif isinstance(value, date):
                cell.number_format = "yyyy-mm-dd"
            elif isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@")):
                cell.data_type = "s"  # text, never a formula (an agenda line "=1+1")


def _shown(value: object) -> str:
    if isinstance(value, date):
        return value.isoformat()  # 10 characters, as Excel shows yyyy-mm-dd
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def plan_workbook(scenario: Scenario, plan: Plan) -> bytes:
    """The workbook's bytes; the same plan gives the same bytes."""
    sheets: dict[str, pd.DataFrame] = {
        ALL_SHEET: meeting_frame(scenario, list(plan.meetings), list(plan.cancelled))
    }
    taken = {ALL_SHEET.lower(), BLOCKED_SHEET.lower()}
    kinds = list(dict.fromkeys(g.kind for g in scenario.groups))
    for kind in kinds:
        ids = {g.id for g in scenario.groups if g.kind == kind}
        mine = [m for m in plan.meetings if m.group in ids]
        gone = [m for m in plan.cancelled if m.group in ids]
        sheets[sheet_name(kind.capitalize(), taken)] = meeting_frame(scenario, mine, gone)
    sheets[BLOCKED_SHEET] = blocked_frame(scenario)

    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name, index=False)
            _format(writer.sheets[name], frame)
        props = writer.book.properties
        props.created = props.modified = _FIXED_TIME
        props.creator = "cadence"
        props.title = f"{scenario.name} – mötesplan"
    return _stable_zip(buffer.getvalue())


def _stable_zip(data: bytes) -> bytes:
    """The same archive with every entry dated 1980-01-01 (zip stamps entries with the clock)
    and the document's modification time fixed."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps the save time here
                content = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rb"\g<1>2000-01-01T00:00:00Z\g<2>",
                    content,
                )
            target.writestr(entry, content)
    return out.getvalue()


def is_sheet_layout(columns: list[str]) -> bool:
    return {"möte", "grupp", "datum", "start", "slut"} <= set(columns)


def meetings_from_sheet(
    rows: list[Mapping[str, object]], timezone: str, where: str, scenario: Scenario | None
) -> list[Meeting]:
    """Meetings from the first sheet of plan.xlsx as the coordinator left it.

    Agenda lines that are an agenda item's title become that item again, so moving "Färdplan
    för nära vård – beslut" to another row moves the item.
    """
    from cadence.errors import InputError

    tz = zoneinfo.ZoneInfo(timezone)
    titles: dict[tuple[str, str], str] = {}
    names: dict[str, str] = {}
    if scenario is not None:
        for item in scenario.items:
            for group_id in scenario.item_groups(item):
                titles[(group_id, item.title)] = item.id
        names = {p.name: p.id for p in scenario.people}
    meetings = []
    for number, row in enumerate(rows, start=2):
        if str(row.get("status") or "").strip().lower() == CANCELLED:
            continue  # a cancelled meeting takes no place in the plan
        day, start, end = _as_date(row["datum"]), _as_time(row["start"]), _as_time(row["slut"])
        if day is None or start is None or end is None:
            raise InputError(
                f"{where}:{number} datum/start/slut: '{row['datum']}', '{row['start']}', "
                f"'{row['slut']}' are not a date and two times"
            )

        def split(key: str, row: Mapping[str, object] = row) -> tuple[str, ...]:
            value = row.get(key)
            text = "" if value is None or pd.isna(value) else str(value)  # type: ignore[call-overload]
            return tuple(part.strip() for part in text.split(";") if part.strip())

        group = str(row["grupp"])
        agenda = split("dagordning")
        chair = str(row.get("ordförande") or "")
        meetings.append(
            Meeting(
                id=str(row["möte"]),
                uid="",
                group=group,
                start=datetime.combine(day, start, tz),
                end=datetime.combine(day, end, tz),
                location=str(row.get("plats") or ""),
                chair=names.get(chair, chair) or None,
                items=tuple(titles[(group, a)] for a in agenda if (group, a) in titles),
                agenda=agenda,
                prepares=split("bereder"),
                prepared_by=split("bereds av"),
            )
        )
    return meetings


def _as_date(value: object) -> date | None:
    if isinstance(value, datetime | pd.Timestamp):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        return None


def _as_time(value: object) -> time | None:
    if isinstance(value, datetime | pd.Timestamp):
        return value.time()
    if isinstance(value, time):
        return value
    text = str(value).strip().replace(".", ":")
    try:
        return time.fromisoformat(text if len(text) > 4 else text.zfill(5))
    except ValueError:
        return None
