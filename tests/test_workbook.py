"""plan.xlsx: a real workbook with real dates, read back for checking after editing."""

from datetime import datetime, time

import openpyxl

from cadence.calendar import WorkCalendar
from cadence.export.table import read_plan
from cadence.export.workbook import HEADERS, plan_workbook, sheet_name
from cadence.verify import check


def test_sheets_headers_and_real_dates(tiny_published):
    """The workbook has a sheet per level, Swedish headers and real Excel dates."""
    scenario, plan, folder = tiny_published
    book = openpyxl.load_workbook(folder / "plan.xlsx")
    kinds = list(dict.fromkeys(g.kind.capitalize() for g in scenario.groups))
    assert book.sheetnames == ["Alla möten", *kinds, "Blockerade dagar"]
    sheet = book["Alla möten"]
    assert tuple(c.value for c in sheet[1]) == HEADERS
    assert sheet.freeze_panes == "A2"
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(plan.meetings)
    by_id = {m.id: m for m in plan.meetings}
    for row, cells in zip(rows, sheet.iter_rows(min_row=2), strict=True):
        meeting = by_id[row[0]]
        assert isinstance(row[2], datetime) and row[2].date() == meeting.start.date()
        assert cells[2].is_date and cells[2].number_format == "yyyy-mm-dd"
        assert isinstance(row[5], time) and row[5] == meeting.start.time().replace(tzinfo=None)
        assert row[4] == meeting.start.isocalendar().week
    for column in "ABCDEFGHIJKL":
        assert sheet.column_dimensions[column].width >= 6
    per_level = sum(book[k].max_row - 1 for k in kinds)
    assert per_level == len(plan.meetings)
    blocked = book["Blockerade dagar"]
    notes = WorkCalendar(scenario.calendar, scenario.period).notes()
    assert blocked.max_row - 1 == len(notes)
    assert blocked["A2"].is_date


def test_same_plan_same_workbook(tiny_published):
    """The same plan gives the same workbook bytes."""
    scenario, plan, folder = tiny_published
    assert plan_workbook(scenario, plan) == (folder / "plan.xlsx").read_bytes()


def test_workbook_reads_back_and_holds(tiny_published):
    """The workbook reads back as the same plan, which the verifier accepts."""
    scenario, plan, folder = tiny_published
    again = read_plan(folder / "plan.xlsx", scenario)
    assert {(m.id, m.start, m.end, m.items) for m in again.meetings} == {
        (m.id, m.start, m.end, m.items) for m in plan.meetings
    }
    assert check(scenario, again) == []


def test_edited_workbook_is_checked(tiny_published, tmp_path):
    """The coordinator moves a meeting to a Sunday in Excel; the verifier says so."""
    scenario, _, folder = tiny_published
    book = openpyxl.load_workbook(folder / "plan.xlsx")
    sheet = book["Alla möten"]
    sheet["C2"] = datetime(2026, 3, 1)
    group = sheet["B2"].value
    edited = tmp_path / "edited.xlsx"
    book.save(edited)
    violations = [str(v) for v in check(scenario, read_plan(edited, scenario))]
    assert any(f"{group} 2026-03-01 is a söndag" in v for v in violations), violations


def test_sheet_names_follow_excel_rules():
    """Sheet names lose the characters Excel forbids, are unique and at most 31 long."""
    taken: set[str] = set()
    assert sheet_name("a/b:c", taken) == "a b c"
    assert sheet_name("A/B:C", taken) == "A B C (2)"
    assert len(sheet_name("x" * 40, taken)) == 31


def test_text_that_looks_like_a_formula_stays_text(tiny_published, tmp_path):
    """Agenda text starting with = or @ is stored as text, never as a formula."""
    from dataclasses import replace

    scenario, plan, _ = tiny_published
    first = replace(plan.meetings[0], agenda=("=1+1",), location="@kontoret")
    edited = replace(plan, meetings=(first, *plan.meetings[1:]))
    path = tmp_path / "plan.xlsx"
    path.write_bytes(plan_workbook(scenario, edited))
    sheet = openpyxl.load_workbook(path)["Alla möten"]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == first.id)
    assert row[9].value == "=1+1" and row[9].data_type == "s"
    assert row[7].value == "@kontoret" and row[7].data_type == "s"


def test_cancelled_meetings_stay_in_csv_and_xlsx_and_check_ignores_them(tmp_path):
    """A cancelled meeting is a row with its status in plan.csv and plan.xlsx (as in the feeds);
    reading either back for checking leaves it out, and cadence check passes."""
    from datetime import date

    import pandas as pd
    from click.testing import CliRunner

    from cadence import loader, solver
    from cadence.cli import main
    from cadence.output import write_folder
    from cadence.replan import run
    from cadence.state import Change
    from tests.conftest import DATA

    scenario = loader.load(DATA / "micro.yaml").scenario
    first = run(scenario, "micro", None, solver.Settings(time_limit=5), None)
    ag = max((m for m in first.plan.meetings if m.group == "AG"), key=lambda m: m.start)
    state = first.state.with_change(Change("cancel", ag.id, "AG", ag.start.date()))
    done = run(scenario, "micro", state, solver.Settings(time_limit=5), date(2026, 1, 1))
    write_folder(tmp_path, done.files)
    frame = pd.read_csv(tmp_path / "plan.csv", dtype=str)
    assert frame.set_index("id").loc[ag.id, "status"] == "cancelled"
    assert (frame["status"] == "planned").sum() == len(done.plan.meetings)
    starts = pd.to_datetime(frame["start"], utc=True)
    assert starts.notna().all()
    sheet = pd.read_excel(tmp_path / "plan.xlsx", dtype=object)
    assert sheet.set_index("möte").loc[ag.id, "status"] == "inställt"
    for name in ("plan.csv", "plan.xlsx"):
        read = read_plan(tmp_path / name, scenario)
        assert {m.id for m in read.meetings} == {m.id for m in done.plan.meetings}, name
        result = CliRunner().invoke(
            main, ["check", str(DATA / "micro.yaml"), "--plan", str(tmp_path / name)]
        )
        assert result.exit_code == 0, result.output


def test_kallelse_column_is_a_real_date_a_week_before(tiny_published):
    """The kallelse column: an Excel date on a weekday, at least seven days before the meeting."""
    _, _, folder = tiny_published
    sheet = openpyxl.load_workbook(folder / "plan.xlsx")["Alla möten"]
    column = HEADERS.index("kallelse")
    rows = list(sheet.iter_rows(min_row=2))
    assert rows
    for cells in rows:
        meeting_day, notice = cells[2].value.date(), cells[column].value
        assert cells[column].is_date and isinstance(notice, datetime)
        assert notice.weekday() < 5
        assert (meeting_day - notice.date()).days >= 7
