"""Re-planning: fewest moves (against an exhaustive count), stable identities, pins, as_of,
cancellations, the change report, and a state that is missing, corrupt or foreign."""

import itertools
import os
import subprocess
import sys
import zoneinfo
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from pathlib import Path

import icalendar
import pytest
from click.testing import CliRunner

from cadence import loader, solver
from cadence import replan as replan_rules
from cadence.cli import main
from cadence.errors import InfeasibleError, InputError
from cadence.plan import Meeting, Plan
from cadence.replan import run
from cadence.state import Change, read
from cadence.verify import check
from tests.conftest import DATA, ROOT

FAST = solver.Settings(time_limit=5)
TZ = zoneinfo.ZoneInfo("Europe/Stockholm")


def events(data: bytes) -> dict[str, icalendar.Event]:
    return {str(e["UID"]): e for e in icalendar.Calendar.from_ical(data).walk("VEVENT")}


def starts(plan) -> set[tuple[str, datetime]]:
    return {(m.group, m.start) for m in plan.meetings}


def fewest_moves_by_count(scenario, published, pinned: tuple[str, date] | None) -> int:
    """Every plan of the micro scenario, checked by the verifier: the fewest moves any has."""

    def days(weekday: int) -> list[date]:
        d, found = date(2026, 3, 2), []
        while d <= date(2026, 4, 19):
            if d.weekday() == weekday:
                found.append(d)
            d += timedelta(days=1)
        return found

    best = None
    for ag in itertools.combinations(days(1), 3):
        for bg in itertools.combinations(days(3), 2):
            if pinned and pinned[1] not in (bg if pinned[0] == "BG" else ag):
                continue
            meetings = [
                Meeting(f"{g}-{i}", "", g, datetime.combine(d, time(9), TZ),
                        datetime.combine(d, time(11), TZ), "", None)
                for g, ds in (("AG", ag), ("BG", bg))
                for i, d in enumerate(ds)
            ]  # fmt: skip
            plan = Plan(scenario.name, tuple(meetings))
            moves = len(published - starts(plan))
            if best is not None and moves >= best:
                continue
            if not check(scenario, plan):
                best = moves
    assert best is not None
    return best


def test_fresh_plan_state(first):
    """A first plan's state has every meeting planned at SEQUENCE 0 and no change report."""
    records = first.state.records
    assert {r.id for r in records} == {m.id for m in first.plan.meetings}
    assert all(r.sequence == 0 and r.status == "planned" for r in records)
    assert first.entries is None and "andringar.csv" not in first.files


def test_replan_without_changes_moves_nothing_and_keeps_bytes(micro, first):
    """Re-planning with no change moves nothing (proven) and keeps every feed's bytes."""
    again = run(micro, "micro", first.state, FAST, date(2026, 1, 1))
    assert again.violations == ()  # the verifier, on this plan
    assert again.result.moves.count == 0 and again.result.moves.proven
    assert again.entries == ()
    for name, data in first.files.items():
        if name.endswith(".ics"):
            assert again.files[name] == data, name


def test_move_moves_the_proven_fewest(micro, first):
    """BG's first meeting a week earlier: the solver's fewest moves equal the exhaustive count."""
    bg = min((m for m in first.plan.meetings if m.group == "BG"), key=lambda m: m.start)
    new_day = bg.start.date() - timedelta(days=7)
    state = first.state.with_change(Change("move", bg.id, "BG", new_day, time(9)))
    moved = run(micro, "micro", state, FAST, date(2026, 1, 1))
    assert moved.violations == () and moved.result.moves.proven
    published = starts(first.plan)
    expected = fewest_moves_by_count(micro, published, ("BG", new_day))
    assert moved.result.moves.count == expected
    assert len(published - starts(moved.plan)) == expected
    # The pinned meeting is where it was asked, with its own id and UID, SEQUENCE 1.
    pinned = next(m for m in moved.plan.meetings if m.id == bg.id)
    assert pinned.start.date() == new_day and pinned.uid == bg.uid
    record = moved.state.record(bg.id)
    assert record.sequence == 1 and record.status == "planned"
    old_events, new_events = events(first.files["alla.ics"]), events(moved.files["alla.ics"])
    assert set(old_events) == set(new_events)  # nothing new, nothing lost
    for meeting in moved.plan.meetings:
        before = first.plan.meeting(meeting.id)
        if before.start == meeting.start:
            same_text = old_events[meeting.uid].to_ical() == new_events[meeting.uid].to_ical()
            assert same_text or meeting.prepares or meeting.prepared_by
            assert moved.state.record(meeting.id).sequence == 0
        else:
            assert moved.state.record(meeting.id).sequence == 1
    kinds = {(e.kind, e.meeting) for e in moved.entries}
    assert ("flyttat", bg.id) in kinds
    assert len(moved.entries) == expected
    # A later run keeps the pin.
    later = run(micro, "micro", moved.state, FAST, date(2026, 1, 1))
    assert later.violations == ()  # the verifier, on this plan
    assert later.plan.meeting(bg.id).start.date() == new_day
    assert later.result.moves.count == 0


def test_as_of_holds_the_past(micro, first):
    """As of the day after AG's first meeting, that meeting stays even if it would rather move."""
    ag = min((m for m in first.plan.meetings if m.group == "AG"), key=lambda m: m.start)
    cutoff = ag.start.date() + timedelta(days=1)
    bg = min((m for m in first.plan.meetings if m.group == "BG"), key=lambda m: m.start)
    target = bg.start.date() + timedelta(days=7)
    state = first.state.with_change(Change("move", bg.id, "BG", target, time(9)))
    done = run(micro, "micro", state, FAST, cutoff)
    assert done.violations == ()  # the verifier, on this plan
    assert done.plan.meeting(ag.id).start == ag.start
    assert done.state.record(ag.id).status == "held"
    assert check(micro, done.plan, cutoff) == []


def test_cancel_publishes_cancelled_then_drops_it(micro, first):
    """A cancelled meeting stays in the feeds as cancelled until its day has passed."""
    ag = max((m for m in first.plan.meetings if m.group == "AG"), key=lambda m: m.start)
    state = first.state.with_change(Change("cancel", ag.id, "AG", ag.start.date()))
    done = run(micro, "micro", state, FAST, date(2026, 1, 1))
    assert done.violations == ()  # the verifier, on this plan
    assert ag.id not in {m.id for m in done.plan.meetings}
    assert sum(m.group == "AG" for m in done.plan.meetings) == 2
    event = events(done.files["grupper/ag.ics"])[ag.uid]
    assert event["STATUS"] == "CANCELLED" and str(event["SUMMARY"]).startswith("INSTÄLLT: ")
    assert event["SEQUENCE"] == 1
    assert ("inställt", ag.id) in {(e.kind, e.meeting) for e in done.entries}
    # After its date the cancelled meeting leaves the feeds; its UID is never reused.
    after = run(micro, "micro", done.state, FAST, ag.start.date() + timedelta(days=1))
    assert after.violations == ()  # the verifier, on this plan
    assert ag.uid not in events(after.files["alla.ics"])
    record = after.state.record(ag.id)
    assert record.status == "cancelled" and record.sequence == 1
    uids = [r.uid for r in after.state.records]
    assert len(uids) == len(set(uids))


def test_added_meeting_gets_a_new_identity(micro, first):
    """An added meeting is on its day with a UID never used before."""
    state = first.state.with_change(Change("add", "AG-2026-04", "AG", date(2026, 4, 14), time(9)))
    done = run(micro, "micro", state, FAST, date(2026, 1, 1))
    assert done.violations == ()
    new = done.plan.meeting("AG-2026-04")
    assert new.start.date() == date(2026, 4, 14)
    assert new.uid not in {r.uid for r in first.state.records}
    assert ("tillagt", "AG-2026-04") in {(e.kind, e.meeting) for e in done.entries}


def cli(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.fixture
def published(tmp_path: Path):
    out = tmp_path / "out"
    result = cli("plan", str(DATA / "micro.yaml"), "--out", str(out), "--time-limit", "5")
    assert result.exit_code == 0, result.output
    return out


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_cli_move_refused_changes_nothing(published):
    """A move onto Långfredag is refused (exit 1); an unknown meeting exits 2; nothing changes."""
    before = snapshot(published)
    state = read(published / "plan.json")
    meeting = next(r for r in state.records if r.group == "BG")
    args = ["--out", str(published), "--as-of", "2026-01-01"]
    refused = cli("move", meeting.id, "2026-04-03", str(DATA / "micro.yaml"), *args)  # Långfredag
    assert refused.exit_code == 1 and "refused, nothing changed" in refused.output
    assert snapshot(published) == before
    unknown = cli("move", "BG-2026-09", "2026-03-26", str(DATA / "micro.yaml"), *args)
    assert unknown.exit_code == 2 and snapshot(published) == before


def test_cli_move_then_diff(published, tmp_path):
    """`cadence move` moves the fewest meetings, reports it, and `cadence diff` shows the move."""
    old = tmp_path / "old"
    old.mkdir()
    for name, data in snapshot(published).items():
        (old / name).parent.mkdir(parents=True, exist_ok=True)
        (old / name).write_bytes(data)
    state = read(published / "plan.json")
    bg = min((r for r in state.records if r.group == "BG"), key=lambda r: r.start)
    day = (bg.start + timedelta(days=7)).date().isoformat()
    args = ["--out", str(published), "--as-of", "2026-01-01"]
    moved = cli("move", bg.id, day, str(DATA / "micro.yaml"), *args)
    assert moved.exit_code == 0, moved.output
    assert "proven fewest" in moved.output and f"flyttat  {bg.id}" in moved.output
    report = (published / "andringar.csv").read_text(encoding="utf-8")
    assert report.startswith("ändring,möte,grupp,från,till,orsak")
    assert bg.id in report and "cadence move" in report
    assert "| flyttat |" in (published / "andringar.md").read_text(encoding="utf-8")
    diff = cli("diff", str(old), str(published))
    assert diff.exit_code == 0 and f"flyttat  {bg.id}" in diff.output
    # The pin is in plan.json; the scenario file is untouched.
    assert read(published / "plan.json").changes[0].meeting == bg.id


@pytest.mark.parametrize(
    "damage, message",
    [
        (lambda p: (p / "plan.json").write_text("{ not json", encoding="utf-8"), "cannot read"),
        (lambda p: (p / "plan.json").write_text('{"format": "x"}', encoding="utf-8"), "damaged"),
        (lambda p: (p / "plan.json").unlink(), "missing"),
        (
            lambda p: (p / "plan.json").write_text(
                (p / "plan.json").read_text(encoding="utf-8").replace("Mikroplan", "Annat län"),
                encoding="utf-8",
            ),
            "belongs to scenario 'Annat län'",
        ),
    ],
)
def test_bad_state_stops_with_exit_2_and_loses_nothing(published, damage, message):
    """A damaged, missing or foreign plan.json stops the run with exit 2 and changes nothing."""
    damage(published)
    before = snapshot(published)
    result = cli("plan", str(DATA / "micro.yaml"), "--out", str(published), "--time-limit", "5")
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert snapshot(published) == before


def test_state_is_stable_bytes(micro, first):
    """Planning afresh twice gives the same plan.json."""
    again = run(micro, "micro", None, FAST, None)
    assert again.violations == ()  # the verifier, on this plan
    assert again.files["plan.json"] == first.files["plan.json"]


def test_as_of_without_a_published_plan_is_refused(micro):
    """--as-of without a published plan is refused."""
    with pytest.raises(InputError, match="no published plan"):
        run(micro, "micro", None, FAST, date(2026, 3, 10))


def test_move_onto_a_holiday_is_infeasible(micro, first):
    """A move onto Långfredag cannot hold, and the holiday is named."""
    bg = next(m for m in first.plan.meetings if m.group == "BG")
    state = first.state.with_change(Change("move", bg.id, "BG", date(2026, 4, 3), time(9)))
    with pytest.raises(InfeasibleError, match="Långfredag"):
        run(micro, "micro", state, FAST, date(2026, 1, 1))


def test_check_counts_the_coordinators_additions(published):
    """`cadence check` counts an added meeting from the state beside the plan."""
    args = ["--out", str(published), "--as-of", "2026-01-01", "--time-limit", "5"]
    added = cli("add", "AG", "2026-04-14", str(DATA / "micro.yaml"), *args)
    assert added.exit_code == 0, added.output
    assert "tillagt  AG-2026-04" in added.output
    checked = cli("check", str(DATA / "micro.yaml"), "--plan", str(published / "plan.csv"))
    assert checked.exit_code == 0, checked.output
    # The same plan without the state beside it has one AG meeting too many.
    alone = published.parent / "alone.csv"
    alone.write_bytes((published / "plan.csv").read_bytes())
    result = cli("check", str(DATA / "micro.yaml"), "--plan", str(alone))
    assert result.exit_code == 1 and "AG meets 4 times in 2026" in result.output


def test_two_moves_at_once_keep_both(published):
    """Two cadence moves on one folder at the same moment: the second waits for the first's
    lock and re-plans from what it wrote, so plan.json keeps both changes."""
    state = read(published / "plan.json")
    ag = sorted((r for r in state.records if r.group == "AG"), key=lambda r: r.start)
    bg = sorted((r for r in state.records if r.group == "BG"), key=lambda r: r.start)
    args = ["--out", str(published), "--as-of", "2026-01-01", "--time-limit", "5"]
    commands = [
        ["cancel", ag[-1].id, str(DATA / "micro.yaml"), *args],
        ["move", bg[0].id, (bg[0].start + timedelta(days=7)).date().isoformat(),
         str(DATA / "micro.yaml"), *args],
    ]  # fmt: skip
    runs = [
        subprocess.Popen([sys.executable, "-m", "cadence", *c], stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True)
        for c in commands
    ]  # fmt: skip
    outputs = [(p.wait(timeout=300), p.stdout.read()) for p in runs]  # type: ignore[union-attr]
    assert [code for code, _ in outputs] == [0, 0], outputs
    changes = {(c.action, c.meeting) for c in read(published / "plan.json").changes}
    assert changes == {("cancel", ag[-1].id), ("move", bg[0].id)}
    assert not list(published.glob(".cadence-*/"))


def test_a_busy_folder_is_refused_with_exit_2(published):
    """While another command writes the folder, a move that may not wait exits 2 naming it."""
    from cadence.output import lock

    before = snapshot(published)
    state = read(published / "plan.json")
    bg = min((r for r in state.records if r.group == "BG"), key=lambda r: r.start)
    day = (bg.start + timedelta(days=7)).date().isoformat()
    with lock(published, "cadence plan (a test)", wait=0):
        result = cli("move", bg.id, day, str(DATA / "micro.yaml"), "--out", str(published),
                     "--as-of", "2026-01-01", "--wait", "0.2")  # fmt: skip
        assert result.exit_code == 2, result.output
        assert f"pid {os.getpid()}, cadence plan (a test), since" in result.output
    assert {k: v for k, v in snapshot(published).items() if k != ".cadence-lock"} == {
        k: v for k, v in before.items() if k != ".cadence-lock"
    }


def test_dry_run_prints_the_report_and_writes_nothing(published):
    """--dry-run on move, cancel, add and plan: the change report, not a byte written."""
    before = snapshot(published)
    state = read(published / "plan.json")
    bg = min((r for r in state.records if r.group == "BG"), key=lambda r: r.start)
    ag = max((r for r in state.records if r.group == "AG"), key=lambda r: r.start)
    args = [str(DATA / "micro.yaml"), "--out", str(published), "--as-of", "2026-01-01",
            "--time-limit", "5", "--dry-run"]  # fmt: skip
    day = (bg.start + timedelta(days=7)).date().isoformat()
    for command, expected in [
        (["move", bg.id, day], f"flyttat  {bg.id}"),
        (["cancel", ag.id], f"inställt {ag.id}"),
        (["add", "AG", "2026-04-14"], "tillagt  AG-2026-04"),
        (["plan"], "Inga ändringar"),
    ]:
        result = cli(*command, *args)
        assert result.exit_code == 0, result.output
        assert expected in result.output and "dry run: nothing written" in result.output
        assert snapshot(published) == before


# -- Agenda items and firm dates --------------------------------------------------------------


@pytest.fixture(scope="module")
def items_scenario():
    return loader.load(DATA / "micro-items.yaml").scenario


@pytest.fixture(scope="module")
def items_first(items_scenario):
    done = run(items_scenario, "micro-items", None, FAST, None)
    assert done.violations == () and done.state.tracks_items
    return done


def carriers(state) -> dict[str, str]:
    """Due key → id of the meeting that carries it."""
    return {k: r.id for r in state.records if r.status != "cancelled" for k, _ in r.items}


def test_state_records_the_agenda(items_first):
    """plan.json holds each meeting's items: the published state includes the agendas."""
    on = carriers(items_first.state)
    plan_items = {(m.id, i) for m in items_first.plan.meetings for i in m.items}
    assert {(meeting, key.split("/")[0]) for key, meeting in on.items()} == plan_items


def test_items_of_held_meetings_never_change(items_scenario, items_first):
    """As of after AG's first meeting: Uppföljning published on it stays there; published on
    AG's second meeting, which the coordinator cancels, it goes to a later meeting, never onto
    the held one (which keeps its agenda and SEQUENCE)."""
    ag = sorted((r for r in items_first.state.records if r.group == "AG"), key=lambda r: r.start)
    key = next(k for r in ag for k, _ in r.items if k.startswith("uppfoljning/"))
    cutoff = ag[0].start.date() + timedelta(days=1)
    for home in (ag[0], ag[1]):
        records = []
        for r in items_first.state.records:
            items = tuple(i for i in r.items if i[0] != key)
            records.append(replace(r, items=tuple(sorted((*items, (key, "Uppföljning"))))
                                   if r.id == home.id else items))  # fmt: skip
        state = replace(items_first.state, records=tuple(records))
        state = state.with_change(Change("cancel", ag[1].id, "AG", ag[1].start.date()))
        done = run(items_scenario, "micro-items", state, FAST, cutoff)
        assert done.violations == ()
        held = done.state.record(ag[0].id)
        assert held.status == "held" and held.items == state.record(ag[0].id).items
        assert held.sequence == 0
        carrier = carriers(done.state)[key]
        assert carrier == ag[0].id if home == ag[0] else carrier not in (ag[0].id, ag[1].id)
        if home == ag[1]:
            entry = next(e for e in done.entries if e.kind == "punkt")
            assert (entry.from_meeting, entry.meeting) == (ag[1].id, carrier)
            assert entry.reason == f"{ag[1].id} är inställt"


def test_unmoved_meetings_keep_their_items_and_moved_items_are_reported(items_scenario,
                                                                         items_first):  # fmt: skip
    """A move elsewhere leaves every other meeting's agenda as published; an item whose
    meeting moved out of its window is reported (report and diff) and raises SEQUENCE."""
    ag = sorted((r for r in items_first.state.records if r.group == "AG"), key=lambda r: r.start)
    rapport = next(r for r in ag if any(k.startswith("rapport/") for k, _ in r.items))
    # Move the meeting that carries Rapport before its window opens (20 March).
    target = date(2026, 3, 10) if rapport.start.date() != date(2026, 3, 10) else date(2026, 3, 3)
    state = items_first.state.with_change(
        Change("move", rapport.id, "AG", target, rapport.start.time())
    )
    done = run(items_scenario, "micro-items", state, FAST, date(2026, 1, 1))
    assert done.violations == ()
    before, after = carriers(items_first.state), carriers(done.state)
    stayed = {
        r.id for r in done.state.records
        if r.status == "planned" and items_first.state.record(r.id).start == r.start
    }  # fmt: skip
    for key, meeting in before.items():
        if meeting in stayed and meeting != rapport.id:
            assert after[key] == meeting, key
    moved_items = [e for e in done.entries if e.kind == "punkt"]
    rapport_key = next(k for k in before if k.startswith("rapport/"))
    assert after[rapport_key] != rapport.id
    assert [(e.item, e.from_meeting, e.meeting) for e in moved_items] == [
        ("Rapport", rapport.id, after[rapport_key])
    ]
    assert done.result.moves.items == 1 and done.result.moves.proven
    assert done.state.record(after[rapport_key]).sequence >= 1
    assert f"Rapport: {rapport.id} → {after[rapport_key]}" in done.files["andringar.md"].decode()
    assert f"Rapport: {rapport.id} → {after[rapport_key]}" in done.files["andringar.csv"].decode()


def test_diff_lists_moved_items(tmp_path, items_scenario, items_first):
    """cadence diff of two plan.json: the moved item with its old and new meeting."""
    ag = sorted((r for r in items_first.state.records if r.group == "AG"), key=lambda r: r.start)
    rapport = next(r for r in ag if any(k.startswith("rapport/") for k, _ in r.items))
    target = date(2026, 3, 10) if rapport.start.date() != date(2026, 3, 10) else date(2026, 3, 3)
    state = items_first.state.with_change(
        Change("move", rapport.id, "AG", target, rapport.start.time())
    )
    done = run(items_scenario, "micro-items", state, FAST, date(2026, 1, 1))
    (tmp_path / "old.json").write_bytes(items_first.files["plan.json"])
    (tmp_path / "new.json").write_bytes(done.files["plan.json"])
    result = cli("diff", str(tmp_path / "old.json"), str(tmp_path / "new.json"))
    assert result.exit_code == 0
    carrier = carriers(done.state)[next(k for k, _ in rapport.items if k.startswith("rapport/"))]
    assert f"punkt    Rapport: {rapport.id} → {carrier}" in result.output


def test_a_move_that_would_shift_a_firm_meeting_is_refused(items_scenario, items_first):
    """BG is firm: moving all three AG meetings past BG's first meeting would move it, so the
    third move is refused naming BG's meeting; BG moved by name is fine."""
    ag = sorted((r for r in items_first.state.records if r.group == "AG"), key=lambda r: r.start)
    bg = sorted((r for r in items_first.state.records if r.group == "BG"), key=lambda r: r.start)
    last = ag[-1].start.date()
    days = [last - timedelta(days=14), last - timedelta(days=7), last + timedelta(days=7)]
    assert days[0] > bg[0].start.date() - timedelta(days=9)
    state = items_first.state
    for record, day in zip(ag, days, strict=True):
        state = state.with_change(Change("move", record.id, "AG", day, record.start.time()))
    with pytest.raises(InfeasibleError, match=rf"it would move {bg[0].id} .* BG are firm"):
        run(items_scenario, "micro-items", state, FAST, date(2026, 1, 1))
    by_name = state.with_change(
        Change("move", bg[0].id, "BG", days[0] + timedelta(days=9), bg[0].start.time())
    )
    done = run(items_scenario, "micro-items", by_name, FAST, date(2026, 1, 1))
    assert done.violations == () and done.result.moves.firm == ()


def test_moves_are_weighted_by_the_people_they_affect(items_scenario, items_first):
    """With BG not firm, AG's first meeting moved past BG's first: one more meeting must move,
    AG's second (one person) or BG's first (four); the fewest people wins."""
    scenario = replace(
        items_scenario, groups=tuple(replace(g, firm=False) for g in items_scenario.groups)
    )
    ag = sorted((r for r in items_first.state.records if r.group == "AG"), key=lambda r: r.start)
    bg = min((r for r in items_first.state.records if r.group == "BG"), key=lambda r: r.start)
    day = bg.start.date() + timedelta(days=5)  # a Tuesday after BG's first meeting
    state = items_first.state.with_change(Change("move", ag[0].id, "AG", day, ag[0].start.time()))
    done = run(scenario, "micro-items", state, FAST, date(2026, 1, 1))
    assert done.violations == () and done.result.moves.proven
    assert done.plan.meeting(bg.id).start == bg.start
    moved = {e.meeting for e in done.entries if e.kind == "flyttat"}
    assert bg.id not in moved and ag[0].id in moved
    assert done.result.moves.weighted == len(moved)  # each AG move affects one person


# -- Regressions on Sörmland 2026 (issue #12) ---------------------------------------------------


@pytest.fixture(scope="module")
def sormland():
    """Sörmland 2026 as published by ``cadence plan`` (budget 20; planning it takes minutes)."""
    scenario = loader.load(ROOT / "scenarios/sormland-2026.yaml").scenario
    return scenario, read(DATA / "sormland-2026.plan.json")


def moved_items(before, after) -> dict[str, tuple[str, str]]:
    """Due key → (old meeting, new meeting) of each item on another meeting than before."""
    old, new = carriers(before), carriers(after)
    return {k: (old[k], new[k]) for k in old.keys() & new.keys() if old[k] != new[k]}


def test_sormland_bgb_move_leaves_agendas_put(sormland):
    """Moving BGB-2026-05 a week as of 1 June moved the IVO item onto a held IFO meeting and
    13 unmoved meetings' text: now every item of a held meeting stays, and an item moves only
    when its meeting (or, for an item due before another, that item's meeting) moved, each
    listed in the change report."""
    scenario, state = sormland
    cutoff = date(2026, 6, 1)
    bgb = state.record("BGB-2026-05")
    change = replan_rules.move(scenario, state, bgb.id, bgb.start.date() + timedelta(days=7),
                               None, cutoff)  # fmt: skip
    done = run(scenario, "sormland-2026", state.with_change(change), FAST, cutoff)
    assert done.violations == () and done.result.moves.proven
    for record in done.state.records:
        if record.start.date() < cutoff:
            assert record.items == state.record(record.id).items, record.id
    moved_meetings = {
        r.id for r in done.state.records if (r.start, r.end) != (
            state.record(r.id).start, state.record(r.id).end
        )
    }  # fmt: skip
    moves = moved_items(state, done.state)
    before_carriers = carriers(state)
    for key, (old, _) in moves.items():
        # An item due before another (fokusområden before the BG's) has its window where the
        # other one's meeting is: it may move when that meeting moved.
        target = key.split("/", 2)[2]
        assert old in moved_meetings or before_carriers.get(target) in moved_meetings, key
    reported = {(e.from_meeting, e.meeting) for e in done.entries if e.kind == "punkt"}
    assert reported == set(moves.values())
    assert done.result.moves.items == len(moves)
    changed_agenda = {
        r.id for r in done.state.records
        if r.id not in moved_meetings and r.items != state.record(r.id).items
    }  # fmt: skip
    assert changed_agenda <= {m for pair in reported for m in pair}  # each one in the report


def test_sormland_lsg_move_never_moves_firm_nsv(sormland):
    """Moving LSG-2026-05 a week later moved NSV five weeks earlier; NSV is firm now: a week
    earlier leaves NSV where it was published; a week later (which keeps the order only by
    bending a rule or asking NSV) offers options, and only an option that asks NSV's committee
    by name moves an NSV meeting."""
    from cadence import options

    scenario, state = sormland
    cutoff = date(2026, 6, 1)
    lsg = state.record("LSG-2026-05")
    nsv = {r.id: r.start for r in state.records if r.group == "NSV"}
    earlier = replan_rules.move(scenario, state, lsg.id, lsg.start.date() - timedelta(days=7),
                                None, cutoff)  # fmt: skip
    done = run(scenario, "sormland-2026", state.with_change(earlier), FAST, cutoff)
    assert done.violations == ()
    assert {r.id: r.start for r in done.state.records if r.group == "NSV"} == nsv
    request = options.Request("move", lsg.id, day=lsg.start.date() + timedelta(days=7))
    found = options.answer(scenario, "sormland-2026", state, request, FAST, cutoff)
    if found.status == "refused":  # no single bend lets the order hold: said so, nothing moves
        assert "kept in their order" in found.refusal
        return
    assert found.status == "choose" and found.options
    for option in found.options:
        asked = {b.bend.meeting for b in option.bends if b.bend.rule == "firm"}
        moved = {m.meeting for m in option.moves if m.group == "NSV"}
        assert moved <= asked, option.summary
        assert options.apply(found, option.id).violations == ()


def test_cli_asks_the_committee_before_a_firm_meeting_moves(tmp_path):
    """AG's meetings moved one by one past firm BG's first meeting: the move that would shift
    BG is not applied: it exits 3 with the option worded as asking BG's committee, writes
    nothing (--dry-run says the same); --option 1 applies it and records the bend."""
    scenario = str(DATA / "micro-items.yaml")
    out = tmp_path / "out"
    assert cli("plan", scenario, "--out", str(out), "--time-limit", "5").exit_code == 0
    args = [scenario, "--out", str(out), "--as-of", "2026-01-01", "--time-limit", "5"]
    ag = sorted((r for r in read(out / "plan.json").records if r.group == "AG"),
                key=lambda r: r.start)  # fmt: skip
    last = ag[-1].start.date()
    days = (last - timedelta(days=14), last - timedelta(days=7), last + timedelta(days=7))
    for record, day in zip(ag, days, strict=True):
        before = snapshot(out)
        dry = cli("move", record.id, day.isoformat(), *args, "--dry-run")
        result = cli("move", record.id, day.isoformat(), *args)
        assert dry.exit_code == result.exit_code, (dry.output, result.output)
        if result.exit_code == 0:
            continue
        assert result.exit_code == 3, result.output
        for said in (dry.output, result.output):
            assert "Fråga BG:s sekreterare om BG kan flytta sitt möte" in said
            assert "firm meeting moved" in said
        assert snapshot(out) == before
        applied = cli("move", record.id, day.isoformat(), *args, "--option", "1")
        assert applied.exit_code == 0, applied.output
        state = read(out / "plan.json")
        assert [b.rule for b in state.bends] == ["firm"]
        bg = state.record(state.bends[0].meeting)
        assert bg is not None and bg.start.date() == state.bends[0].day
        assert "Avsteg: BG-2026-01 flyttas" in (out / "andringar.md").read_text()
        break
    else:
        pytest.fail("no move was refused, though all of AG now meets after BG's first meeting")
