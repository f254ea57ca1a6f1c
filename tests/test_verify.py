"""The verifier: each rule family holds on a solved plan and is reported in words when broken."""

from dataclasses import replace
from datetime import date, datetime, time, timedelta

import pytest

from cadence import loader, solver
from cadence.plan import Meeting, Plan
from cadence.planning import make_plan
from cadence.verify import check
from tests.conftest import DATA


@pytest.fixture(scope="module")
def solved():
    scenario = loader.load(DATA / "tiny.yaml").scenario
    return scenario, make_plan(scenario, "tiny", solver.Settings(time_limit=5)).plan


def moved(plan: Plan, meeting_id: str, **changes) -> Plan:
    return replace(
        plan,
        meetings=tuple(replace(m, **changes) if m.id == meeting_id else m for m in plan.meetings),
    )


def at(meeting: Meeting, day: date, start: time | None = None) -> dict:
    begin = datetime.combine(day, start or meeting.start.time(), meeting.start.tzinfo)
    return {"start": begin, "end": begin + (meeting.end - meeting.start)}


def messages(scenario, plan, rule):
    return [v.message for v in check(scenario, plan) if v.rule == rule]


def first(plan: Plan, group: str, n: int = 1) -> Meeting:
    return [m for m in sorted(plan.meetings, key=lambda m: m.start) if m.group == group][n - 1]


def test_solved_plan_holds(solved):
    """Every family holds on the solver's plan."""
    scenario, plan = solved
    assert check(scenario, plan) == []


def test_sunday(solved):
    scenario, plan = solved
    meeting = first(plan, "AGB", 2)
    bad = moved(plan, meeting.id, **at(meeting, date(2026, 3, 1)))
    assert "AGB 2026-03-01 is a söndag" in messages(scenario, bad, "calendar")


def test_holiday_and_half_day(solved):
    scenario, plan = solved
    meeting = first(plan, "AGB", 2)
    holiday = moved(plan, meeting.id, **at(meeting, date(2026, 4, 6)))
    assert "AGB 2026-04-06 is not a working day: Annandag påsk" in messages(
        scenario, holiday, "calendar"
    )
    half = moved(plan, meeting.id, **at(meeting, date(2026, 4, 30), time(13)))
    assert "AGB 2026-04-30 13:00–15:00 runs past 14:00 on a half day" in messages(
        scenario, half, "calendar"
    )


def test_start_time_not_allowed(solved):
    scenario, plan = solved
    meeting = first(plan, "AGB", 2)
    bad = moved(plan, meeting.id, **at(meeting, meeting.start.date(), time(10, 30)))
    assert f"AGB {meeting.start.date()} starts 10:30, not at 09:00, 13:00" in messages(
        scenario, bad, "calendar"
    )


def test_counts(solved):
    """Three meetings in 2026 (the scenario's own count for the half year); one is too few."""
    scenario, plan = solved
    keep = first(plan, "AGB", 1).id
    dropped = replace(
        plan, meetings=tuple(m for m in plan.meetings if m.group != "AGB" or m.id == keep)
    )
    assert messages(scenario, dropped, "counts") == ["AGB meets 1 time in 2026, not 3"]


def test_spacing(solved):
    scenario, plan = solved
    one, two = first(plan, "AGB", 1), first(plan, "AGB", 2)
    day = one.start.date() + timedelta(days=7)
    bad = moved(plan, two.id, **at(two, day))
    assert messages(scenario, bad, "spacing") == [
        f"AGB meets {one.start.date()} and {day}, only 7 days apart (at least 21)"
    ]


def test_chain(solved):
    """A beredningsgrupp meeting with no arbetsgrupp meeting 8–42 days before it."""
    scenario, plan = solved
    bg = first(plan, "BG", 2)
    earliest = min(first(plan, "AGA").start.date(), first(plan, "AGB").start.date())
    early = earliest + timedelta(days=3)  # no arbetsgrupp has met 8 days before
    bad = moved(plan, bg.id, **at(bg, early))
    assert f"BG {early} has no AGA meeting 8–42 days before it" in messages(scenario, bad, "chain")
    assert f"BG {early} has no AGB meeting 8–42 days before it" in messages(scenario, bad, "chain")


def test_fixed(solved):
    scenario, plan = solved
    fixed = next(m for m in plan.meetings if m.start.date() == date(2026, 4, 16))
    bad = moved(plan, fixed.id, **at(fixed, date(2026, 4, 16), time(9)))
    assert messages(scenario, bad, "fixed") == ["BG 2026-04-16 starts 09:00, fixed at 13:00"]


def test_items(solved):
    """An agenda item missing from every meeting of its group is reported with its window."""
    scenario, plan = solved
    carrier = next(m for m in plan.meetings if "beredning" in m.items)
    bad = moved(plan, carrier.id, items=())
    assert messages(scenario, bad, "items") == [
        "“Handlingsplan – beredning” is not on a AGA meeting 8–42 days before the meeting it prepares"
    ]


def test_availability(solved):
    """The coordinator is off on Mondays."""
    scenario, plan = solved
    meeting = first(plan, "AGA", 2)
    monday = meeting.start.date() - timedelta(days=meeting.start.weekday())
    bad = moved(plan, meeting.id, **at(meeting, monday))
    assert f"Närvårdskoordinator cannot attend AGA {monday} (Ledig måndagar)" in messages(
        scenario, bad, "availability"
    )


def test_conflict(solved):
    """The coordinator sits in both arbetsgrupper: same day, same time is a clash."""
    scenario, plan = solved
    a, b = first(plan, "AGA", 2), first(plan, "AGB", 2)
    bad = moved(plan, b.id, **at(b, a.start.date(), a.start.time()))
    assert (
        f"Närvårdskoordinator is at AGA and AGB at the same time on {a.start.date()}"
        in messages(scenario, bad, "conflicts")
    )
