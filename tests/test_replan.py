"""Re-planning: fewest moves (against an exhaustive count), stable identities, pins, as_of,
cancellations, the change report, and a state that is missing, corrupt or foreign."""

import itertools
import zoneinfo
from datetime import date, datetime, time, timedelta
from pathlib import Path

import icalendar
import pytest
from click.testing import CliRunner

from cadence import loader, solver
from cadence.cli import main
from cadence.errors import InfeasibleError, InputError
from cadence.plan import Meeting, Plan
from cadence.replan import run
from cadence.state import Change, load
from cadence.verify import check
from tests.conftest import DATA

FAST = solver.Settings(time_limit=5)
TZ = zoneinfo.ZoneInfo("Europe/Stockholm")


@pytest.fixture(scope="module")
def micro():
    return loader.load(DATA / "micro.yaml").scenario


@pytest.fixture(scope="module")
def first(micro):
    done = run(micro, "micro", None, FAST, None)
    assert done.result.status == "optimal" and done.violations == ()
    return done


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
    state = load(published, "Mikroplan", "micro")
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
    state = load(published, "Mikroplan", "micro")
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
    assert load(published, "Mikroplan", "micro").changes[0].meeting == bg.id


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
