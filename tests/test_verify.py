"""The verifier: each rule family holds on a solved plan and is reported in words when broken."""

from dataclasses import replace
from datetime import date, datetime, time, timedelta

import pytest

from cadence import loader
from cadence.export.table import read_plan
from cadence.plan import Meeting, Plan
from cadence.scenario import (
    AgendaItem,
    Count,
    Group,
    ItemLink,
    Period,
    Scenario,
    Unavailability,
)
from cadence.verify import check
from tests.conftest import DATA


@pytest.fixture(scope="module")
def solved():
    """The tiny scenario and a plan that keeps its rules, stored in tests/data (the solver's
    plan of it once; test_solver checks that the solver still finds one that holds)."""
    scenario = loader.load(DATA / "tiny.yaml").scenario
    return scenario, read_plan(DATA / "tiny-plan.csv", scenario)


def moved(plan: Plan, meeting_id: str, **changes) -> Plan:
    return replace(
        plan,
        meetings=tuple(replace(m, **changes) if m.id == meeting_id else m for m in plan.meetings),
    )


def at(meeting: Meeting, day: date, start: time | None = None) -> dict:
    begin = datetime.combine(day, start or meeting.start.time(), meeting.start.tzinfo)
    return {"start": begin, "end": begin + (meeting.end - meeting.start)}


def messages(scenario, plan, rule, **options):
    return [v.message for v in check(scenario, plan, **options) if v.rule == rule]


def first(plan: Plan, group: str, n: int = 1) -> Meeting:
    return [m for m in sorted(plan.meetings, key=lambda m: m.start) if m.group == group][n - 1]


def test_solved_plan_holds(solved):
    """Every family holds on the stored plan."""
    scenario, plan = solved
    assert check(scenario, plan) == []


def test_sunday(solved):
    """A meeting moved to a Sunday is named with the Swedish weekday."""
    scenario, plan = solved
    meeting = first(plan, "AGB", 2)
    bad = moved(plan, meeting.id, **at(meeting, date(2026, 3, 1)))
    assert "AGB 2026-03-01 is a söndag" in messages(scenario, bad, "calendar")


def test_holiday_and_half_day(solved):
    """Annandag påsk is no working day; Valborgsmässoafton ends at 14:00."""
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
    """10:30 is not one of AGB's start times, which the message lists."""
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
    """Two AGB meetings a week apart break its 21-day minimum."""
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
    """The fixed BG meeting at the right date but the wrong time."""
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


def regrouped(plan: Plan, group: str, starts: list[datetime]) -> Plan:
    """The plan with ``group``'s meetings replaced by meetings at ``starts`` (same length)."""
    mine = sorted((m for m in plan.meetings if m.group == group), key=lambda m: m.start)
    template = mine[0]
    others = tuple(m for m in plan.meetings if m.group != group)
    new = tuple(
        replace(
            template,
            id=f"{group}-new-{i}",
            start=start,
            end=start + (template.end - template.start),
            items=next((m.items for m in mine if m.start == start), ()),
        )
        for i, start in enumerate(starts)
    )
    return replace(plan, meetings=others + new)


def stockholm(day: date, hour: int = 9, minute: int = 0) -> datetime:
    """A start time in the scenario's zone."""
    from zoneinfo import ZoneInfo

    return datetime.combine(day, time(hour, minute), ZoneInfo("Europe/Stockholm"))


def test_wrong_length(solved):
    """A meeting 30 minutes short of the group's two hours is named with both lengths."""
    scenario, plan = solved
    meeting = first(plan, "AGB", 2)
    bad = moved(plan, meeting.id, end=meeting.start + timedelta(minutes=90))
    assert messages(scenario, bad, "calendar") == [
        f"AGB {meeting.start.date()} lasts 90 minutes, not 120"
    ]


def test_too_long_between_meetings(solved):
    """BG may go at most 90 days without a meeting: 8 January to 16 April is 98 days."""
    scenario, plan = solved
    bad = regrouped(plan, "BG", [stockholm(date(2026, 1, 8)), stockholm(date(2026, 4, 16), 13)])
    assert messages(scenario, bad, "spacing") == [
        "BG meets 2026-01-08 and then not until 2026-04-16, 98 days later (at most 90)"
    ]


def test_spacing_limits_are_inclusive(solved):
    """Exactly 90 days (BG's maximum) and exactly 21 days (its minimum) are allowed."""
    scenario, plan = solved
    starts = [
        stockholm(date(2026, 1, 16)),  # a Friday; 90 days before 16 April
        stockholm(date(2026, 3, 26)),  # 21 days before 16 April
        stockholm(date(2026, 4, 16), 13),
    ]
    assert messages(scenario, regrouped(plan, "BG", starts), "spacing") == []
    starts[1] = stockholm(date(2026, 3, 27))  # 20 days before
    assert messages(scenario, regrouped(plan, "BG", starts), "spacing") == [
        "BG meets 2026-03-27 and 2026-04-16, only 20 days apart (at least 21)"
    ]


def test_too_many_meetings(solved):
    """Four AGB meetings in the half year is one more than its three; two is one too few."""
    scenario, plan = solved
    starts = [stockholm(date(2026, month, 10)) for month in (2, 3, 4, 5)]
    assert messages(scenario, regrouped(plan, "AGB", starts), "counts") == [
        "AGB meets 4 times in 2026, not 3"
    ]
    assert messages(scenario, regrouped(plan, "AGB", starts[:3]), "counts") == []
    assert messages(scenario, regrouped(plan, "AGB", starts[:2]), "counts") == [
        "AGB meets 2 times in 2026, not 3"
    ]


def test_weekday_the_group_does_not_meet_on(solved):
    """A group that meets Tuesday to Thursday has no meeting on Friday 6 March."""
    scenario, plan = solved
    agb = replace(scenario.group("AGB"), weekdays=("tue", "wed", "thu"))
    narrow = replace(scenario, groups=tuple(agb if g.id == "AGB" else g for g in scenario.groups))
    meeting = first(plan, "AGB", 2)
    bad = moved(plan, meeting.id, **at(meeting, date(2026, 3, 6)))
    assert messages(narrow, bad, "calendar") == [
        "AGB 2026-03-06 is a fredag, not one of AGB's weekdays"
    ]
    assert messages(scenario, bad, "calendar") == []


def test_item_due_at_the_first_meeting(solved):
    """The årsberättelse on AGA's second meeting instead of its first is named as such."""
    scenario, plan = solved
    one, two = first(plan, "AGA", 1), first(plan, "AGA", 2)
    bad = moved(moved(plan, one.id, items=()), two.id, items=(*two.items, "arsberattelse"))
    assert messages(scenario, bad, "items") == [
        "“Årsberättelse” is not on a AGA meeting as the first meeting between 2026-01-01 and "
        "2026-06-30"
    ]


def test_item_outside_its_window(solved):
    """The decision is due on 16 April only: on BG's March meeting it is missing."""
    scenario, plan = solved
    decided = next(m for m in plan.meetings if "beslut" in m.items)
    march = first(plan, "BG", 2)
    bad = moved(moved(plan, decided.id, items=()), march.id, items=("beslut",))
    assert "“Handlingsplan – beslut” is not on a BG meeting between 2026-04-16 and 2026-04-16" in (
        messages(scenario, bad, "items")
    )


def test_partly_overlapping_meetings(solved):
    """AGB from 10:00 overlaps AGA 09:00–11:00 for an hour; from 11:00 it only touches it."""
    scenario, plan = solved
    a, b = first(plan, "AGA", 2), first(plan, "AGB", 2)
    day = a.start.date()
    overlap = moved(plan, b.id, **at(b, day, time(10)))
    assert messages(scenario, overlap, "conflicts") == [
        f"Närvårdskoordinator is at AGA and AGB at the same time on {day}"
    ]
    touching = moved(plan, b.id, **at(b, day, time(11)))
    assert messages(scenario, touching, "conflicts") == []
    before = moved(plan, b.id, **at(b, day, time(8)))
    assert messages(scenario, before, "conflicts") == [
        f"Närvårdskoordinator is at AGB and AGA at the same time on {day}"
    ]


def test_unknown_group(solved):
    """A meeting of a group the scenario does not have is named by its id."""
    scenario, plan = solved
    meeting = first(plan, "AGB", 2)
    bad = moved(plan, meeting.id, group="XYZ")
    assert messages(scenario, bad, "groups") == [f"{meeting.id}: the scenario has no group 'XYZ'"]


def test_outside_the_period(solved):
    """A meeting on 2 July is after the half-year period and said so."""
    scenario, plan = solved
    meeting = first(plan, "AGB", 3)
    bad = moved(plan, meeting.id, **at(meeting, date(2026, 7, 2)))
    assert messages(scenario, bad, "calendar") == [
        "AGB 2026-07-02 is outside the period 2026-01-01–2026-06-30"
    ]
    early = moved(plan, meeting.id, **at(meeting, date(2025, 12, 31)))
    assert messages(scenario, early, "calendar") == [
        "AGB 2025-12-31 is outside the period 2026-01-01–2026-06-30"
    ]


def test_missing_fixed_meeting(solved):
    """BG's fixed meeting moved to the day before is missing from its fixed date."""
    scenario, plan = solved
    fixed = next(m for m in plan.meetings if m.start.date() == date(2026, 4, 16))
    bad = moved(plan, fixed.id, **at(fixed, date(2026, 4, 15)))
    assert messages(scenario, bad, "fixed") == ["BG has no meeting on its fixed date 2026-04-16"]


# -- Agenda item windows and occurrences, on plans written by hand ---------------------------


def with_items(*items, start=date(2026, 1, 1), end=date(2027, 12, 31)) -> Scenario:
    """One group G that may meet any working day at 09:00, as often as it likes, carrying
    ``items`` over ``start``..``end``."""
    return Scenario(
        name="Punkter",
        period=Period(start=start, end=end),
        groups=(
            Group(id="G", name="Grupp", kind="arbetsgrupp", meetings=Count(min=0, max=20)),
            Group(id="H", name="Nämnd", kind="nämnd", meetings=Count(min=0, max=20)),
        ),
        items=items,
    )


def hand_plan(*meetings: tuple[str, date, tuple[str, ...]]) -> Plan:
    """A plan of (group, day, item ids) meetings at 09:00–11:00."""
    return Plan(
        "Punkter",
        tuple(
            Meeting(
                id=f"{group}-{day}", uid=f"{group}-{day}", group=group, start=stockholm(day),
                end=stockholm(day, 11), location="", chair=None, items=items,
            )
            for group, day, items in meetings
        ),
    )  # fmt: skip


def test_month_day_window_every_year():
    """An item due in March each year: found in 2026, missing in 2027 (on 1 April instead)."""
    item = AgendaItem(id="vp", title="Verksamhetsplan", groups=("G",), window_from="03-01",
                      window_to="03-31")  # fmt: skip
    plan = hand_plan(("G", date(2026, 3, 2), ("vp",)), ("G", date(2027, 4, 1), ("vp",)))
    assert messages(with_items(item), plan, "items") == [
        "“Verksamhetsplan” is not on a G meeting between 2027-03-01 and 2027-03-31"
    ]
    edges = hand_plan(("G", date(2026, 3, 31), ("vp",)), ("G", date(2027, 3, 1), ("vp",)))
    assert messages(with_items(item), edges, "items") == []


def test_window_over_new_year():
    """A window from 15 November to 15 February: 10 February and 20 November are inside it,
    3 March is not."""
    item = AgendaItem(id="b", title="Bokslut", groups=("G",), window_from="11-15",
                      window_to="02-15", every="period")  # fmt: skip
    scenario = with_items(item)
    for inside in (date(2026, 2, 10), date(2026, 11, 20), date(2026, 2, 15), date(2026, 11, 15)):
        assert messages(scenario, hand_plan(("G", inside, ("b",))), "items") == [], inside
    for outside in (date(2026, 3, 3), date(2026, 2, 16), date(2026, 11, 14)):
        assert messages(scenario, hand_plan(("G", outside, ("b",))), "items") == [
            "“Bokslut” is not on a G meeting between 2026-01-01 and 2027-12-31"
        ], outside


def test_open_ended_windows():
    """Only a first day, or only a last day, as dates and as month-days."""
    after = AgendaItem(id="a", title="Efter", groups=("G",), window_from=date(2026, 6, 1),
                       every="period")  # fmt: skip
    before = AgendaItem(id="b", title="Före", groups=("G",), window_to="05-31")
    scenario = with_items(after, before, end=date(2026, 12, 31))
    good = hand_plan(("G", date(2026, 5, 29), ("b",)), ("G", date(2026, 6, 1), ("a",)))
    assert messages(scenario, good, "items") == []
    bad = hand_plan(("G", date(2026, 6, 1), ("b",)), ("G", date(2026, 5, 29), ("a",)))
    assert messages(scenario, bad, "items") == [
        "“Efter” is not on a G meeting between 2026-06-01 and 2026-12-31",
        "“Före” is not on a G meeting between 2026-01-01 and 2026-05-31",
    ]


def test_every_half_year_and_quarter():
    """Half-years and quarters are cut at 1 July and at 1 April, 1 July, 1 October."""
    half = AgendaItem(id="h", title="Uppföljning", groups=("G",), every="half_year")
    quarter = AgendaItem(id="q", title="Ekonomi", groups=("H",), every="quarter")
    scenario = with_items(half, quarter, start=date(2026, 2, 1), end=date(2026, 12, 31))
    plan = hand_plan(
        ("G", date(2026, 6, 30), ("h",)),
        ("H", date(2026, 3, 31), ("q",)),
        ("H", date(2026, 4, 1), ("q",)),
        ("H", date(2026, 10, 1), ("q",)),
    )
    assert messages(scenario, plan, "items") == [
        "“Uppföljning” is not on a G meeting between 2026-07-01 and 2026-12-31",
        "“Ekonomi” is not on a H meeting between 2026-07-01 and 2026-09-30",
    ]
    plan = hand_plan(("G", date(2026, 2, 2), ("h",)), ("G", date(2026, 12, 31), ("h",)))
    assert "“Uppföljning” is not on a G meeting between 2026-02-01 and 2026-06-30" not in (
        messages(scenario, plan, "items")
    )


def test_items_by_kind_and_before_each_carrier():
    """An item for every nämnd is due before each arbetsgrupp meeting that carries another,
    8–14 days before; the second carrier of the other item has none before it."""
    decision = AgendaItem(id="d", title="Beslut", kinds=("arbetsgrupp",), every="half_year")
    prepare = AgendaItem(id="p", title="Beredning", kinds=("nämnd",),
                         before=ItemLink(item="d", min_days=8, max_days=14))  # fmt: skip
    scenario = with_items(prepare, decision, end=date(2026, 12, 31))
    plan = hand_plan(
        ("H", date(2026, 3, 2), ("p",)),  # 14 days before 16 March
        ("G", date(2026, 3, 16), ("d",)),
        ("H", date(2026, 9, 7), ("p",)),  # 7 days before 14 September: too late
        ("G", date(2026, 9, 14), ("d",)),
    )
    assert messages(scenario, plan, "items") == [
        "“Beredning” is not on a H meeting 8–14 days before the meeting it prepares"
    ]
    plan = replace(plan, meetings=(*plan.meetings, *hand_plan(("H", date(2026, 9, 6), ("p",)))
                                   .meetings))  # fmt: skip
    assert messages(scenario, plan, "items") == []


def test_window_outside_the_period():
    """An item whose window has no day in the period is said to be so."""
    item = AgendaItem(id="x", title="Aldrig", groups=("G",), every="period",
                      window_from=date(2028, 1, 1), window_to=date(2028, 2, 1))  # fmt: skip
    before = AgendaItem(id="y", title="Före aldrig", groups=("G",),
                        before=ItemLink(item="x", min_days=8, max_days=14))  # fmt: skip
    assert messages(with_items(item, before), hand_plan(), "items") == []


# -- Meetings already held, and the coordinator's extra meetings ----------------------------


def test_held_meetings_are_not_judged_again(solved):
    """A Sunday meeting before as_of took place; after as_of it is a violation."""
    scenario, plan = solved
    meeting = first(plan, "AGB", 1)
    bad = moved(plan, meeting.id, **at(meeting, date(2026, 2, 8)))
    assert messages(scenario, bad, "calendar", as_of=date(2026, 2, 9)) == []
    assert messages(scenario, bad, "calendar", as_of=date(2026, 2, 8)) == [
        "AGB 2026-02-08 is a söndag"
    ]
    assert messages(scenario, bad, "calendar") == ["AGB 2026-02-08 is a söndag"]


def test_held_meetings_still_count_and_space(solved):
    """Held meetings count for the year and for the gap to the next meeting to come."""
    scenario, plan = solved
    two = first(plan, "AGB", 2)
    three = first(plan, "AGB", 3)
    close = moved(plan, three.id, **at(three, two.start.date() + timedelta(days=7)))
    later = two.start.date() + timedelta(days=1)
    assert messages(scenario, close, "spacing", as_of=later) == [
        f"AGB meets {two.start.date()} and {two.start.date() + timedelta(days=7)}, only 7 days "
        "apart (at least 21)"
    ]
    # Both held: how they were spaced is history.
    assert messages(scenario, close, "spacing", as_of=date(2026, 6, 1)) == []
    dropped = replace(plan, meetings=tuple(m for m in plan.meetings if m.id != three.id))
    assert messages(scenario, dropped, "counts", as_of=date(2026, 6, 1)) == [
        "AGB meets 2 times in 2026, not 3"
    ]
    two_less = replace(dropped, meetings=tuple(m for m in dropped.meetings if m.id != two.id))
    assert messages(scenario, two_less, "counts", as_of=date(2026, 6, 1)) == [
        "AGB meets 1 time in 2026, not 3"
    ]


def test_held_meeting_needs_no_preparing_meeting(solved):
    """A BG meeting before as_of is not asked for its arbetsgrupp meetings again."""
    scenario, plan = solved
    bg = first(plan, "BG", 1)
    bad = moved(plan, bg.id, **at(bg, date(2026, 2, 16)))
    assert messages(scenario, bad, "chain", as_of=date(2026, 2, 17)) == []
    assert len(messages(scenario, bad, "chain", as_of=date(2026, 2, 16))) == 2


def test_extra_meetings_change_the_count(solved):
    """One meeting added by the coordinator makes three into four; one cancelled, two."""
    scenario, plan = solved
    assert messages(scenario, plan, "counts", extra={("AGB", 2026): 1}) == [
        "AGB meets 3 times in 2026, not 4"
    ]
    dropped = replace(plan, meetings=tuple(m for m in plan.meetings if m.id != "AGB-2026-03"))
    assert messages(scenario, dropped, "counts", extra={("AGB", 2026): -1}) == []
    assert messages(scenario, dropped, "counts", extra={("AGB", 2026): 1}) == [
        "AGB meets 2 times in 2026, not 4"
    ]
    assert messages(scenario, plan, "counts", extra={("AGB", 2026): -1}) == [
        "AGB meets 3 times in 2026, not 2"
    ]
    assert messages(scenario, plan, "counts", extra={("AGB", 2026): -9}) == [
        "AGB meets 3 times in 2026, not 0"
    ]


def test_chain_window_edges(solved):
    """A preparing meeting exactly 8 or exactly 42 days before is inside the window; 7 is not."""
    scenario, plan = solved
    bg = first(plan, "BG", 2)  # 16 March
    day = bg.start.date()
    for lead, holds in ((8, True), (42, True), (7, False), (43, False)):
        starts = [stockholm(day - timedelta(days=lead))]
        for group in ("AGA", "AGB"):
            alone = regrouped(plan, group, starts)
            others = [m for m in alone.meetings if m.group != "BG" or m.id == bg.id]
            found = messages(scenario, replace(alone, meetings=tuple(others)), "chain")
            assert (f"BG {day} has no {group} meeting 8–42 days before it" not in found) == holds


def test_one_day_windows_and_pieces():
    """A month-day window of one day is that day only; a period ending on 1 July has a
    one-day second half-year, and an item is due in it too."""
    day = AgendaItem(id="d", title="Dagen", groups=("G",), window_from="03-01",
                     window_to="03-01", every="period")  # fmt: skip
    scenario = with_items(day, end=date(2026, 12, 31))
    assert messages(scenario, hand_plan(("G", date(2026, 3, 2), ("d",))), "items") == [
        "“Dagen” is not on a G meeting between 2026-03-01 and 2026-03-01"
    ]
    half = AgendaItem(id="h", title="Halvår", groups=("G",), every="half_year")
    scenario = with_items(half, end=date(2026, 7, 1))
    assert messages(scenario, hand_plan(("G", date(2026, 3, 2), ("h",))), "items") == [
        "“Halvår” is not on a G meeting between 2026-07-01 and 2026-07-01"
    ]


def test_violations_are_values(solved):
    """Violations compare and hash by value, so a set of them drops repeats."""
    scenario, plan = solved
    meeting = first(plan, "AGB", 2)
    bad = moved(plan, meeting.id, **at(meeting, date(2026, 3, 1)))
    found = check(scenario, bad)
    assert len(set(found + check(scenario, bad))) == len(set(found)) >= 1
    assert str(found[0]).startswith(f"[{found[0].rule}] ")


def test_saturday(solved):
    """A meeting moved to a Saturday is named as such, like a Sunday."""
    scenario, plan = solved
    meeting = first(plan, "AGB", 2)
    bad = moved(plan, meeting.id, **at(meeting, date(2026, 3, 7)))
    assert messages(scenario, bad, "calendar") == ["AGB 2026-03-07 is a lördag"]


def test_fixed_meeting_may_break_the_usual_weekday_and_time(solved):
    """A fixed meeting is held when decided, even on a weekday and at a time the group does
    not otherwise use; the same meeting not fixed breaks both."""
    scenario, plan = solved
    bg = scenario.group("BG")
    narrow = replace(bg, weekdays=("mon", "tue"), start_times=(time(9),))
    fixed_day = replace(
        scenario, groups=tuple(narrow if g.id == "BG" else g for g in scenario.groups)
    )
    assert messages(fixed_day, plan, "calendar") == []
    not_fixed = replace(narrow, fixed=())
    free = replace(
        scenario, groups=tuple(not_fixed if g.id == "BG" else g for g in scenario.groups)
    )
    assert messages(free, plan, "calendar") == [
        "BG 2026-04-16 is a torsdag, not one of BG's weekdays",
        "BG 2026-04-16 starts 13:00, not at 09:00",
    ]


def test_first_and_last_day_of_the_period_are_inside(solved):
    """30 June, the period's last day, is a working day like any other; 1 January is inside
    the period too but Nyårsdagen; meetings on both days count for the year."""
    scenario, plan = solved
    meeting = first(plan, "AGB", 3)
    last = moved(plan, meeting.id, **at(meeting, date(2026, 6, 30)))
    assert messages(scenario, last, "calendar") == []
    new_year = moved(plan, first(plan, "AGB", 1).id, **at(meeting, date(2026, 1, 1)))
    assert messages(scenario, new_year, "calendar") == [
        "AGB 2026-01-01 is not a working day: Nyårsdagen"
    ]
    # Both count for the year: AGB still has its three.
    assert messages(scenario, last, "counts") == []
    assert messages(scenario, new_year, "counts") == []


def test_overlapping_chair_terms_the_first_chairs(solved):
    """When two chair terms overlap, the first term's chair chairs; the other is not expected
    and may be away (a plan without its chair column: the verifier reads the terms)."""
    scenario, plan = solved
    plan = replace(plan, meetings=tuple(replace(m, chair=None) for m in plan.meetings))
    meeting = first(plan, "AGB", 2)
    day = meeting.start.date()
    agb = scenario.group("AGB")
    second = replace(agb.chairs[0], person="chef", start=date(2026, 1, 1), end=date(2026, 12, 31))
    two = replace(agb, chairs=(agb.chairs[0], second))
    chef = replace(scenario.person("chef"), unavailable=(Unavailability(dates=(day,)),))
    changed = replace(
        scenario,
        groups=tuple(two if g.id == "AGB" else g for g in scenario.groups),
        people=tuple(chef if p.id == "chef" else p for p in scenario.people),
    )
    assert messages(changed, plan, "availability") == []
    swapped = replace(two, chairs=(second, agb.chairs[0]))
    changed = replace(
        changed, groups=tuple(swapped if g.id == "AGB" else g for g in changed.groups)
    )
    assert messages(changed, plan, "availability") == [
        f"Socialchef cannot attend AGB {day} (otillgänglig)"
    ]


def test_years_start_in_january():
    """An item due every year, carried in January each year, is on time both years."""
    item = AgendaItem(id="y", title="Årsplan", groups=("G",))
    plan = hand_plan(("G", date(2026, 1, 15), ("y",)), ("G", date(2027, 1, 20), ("y",)))
    assert messages(with_items(item), plan, "items") == []
    plan = hand_plan(("G", date(2026, 12, 31), ("y",)))
    assert messages(with_items(item), plan, "items") == [
        "“Årsplan” is not on a G meeting between 2027-01-01 and 2027-12-31"
    ]


def test_chair_terms_include_their_first_and_last_day(solved):
    """The chair whose term ends on the meeting day chairs it; the next one starts a day later
    (a plan without its chair column: the verifier reads the terms)."""
    scenario, plan = solved
    plan = replace(plan, meetings=tuple(replace(m, chair=None) for m in plan.meetings))
    meeting = first(plan, "AGB", 2)
    day = meeting.start.date()
    agb = scenario.group("AGB")
    ending = replace(agb.chairs[0], end=day)
    starting = replace(agb.chairs[0], person="chef", start=day + timedelta(days=1))
    terms = replace(agb, chairs=(ending, starting))
    away = Unavailability(dates=(day,))
    ordf_b = replace(scenario.person("ordf-b"), unavailable=(away,))
    changed = replace(
        scenario,
        groups=tuple(terms if g.id == "AGB" else g for g in scenario.groups),
        people=tuple(ordf_b if p.id == "ordf-b" else p for p in scenario.people),
    )
    assert messages(changed, plan, "availability") == [
        f"Ordförande B cannot attend AGB {day} (otillgänglig)"
    ]
    ending = replace(agb.chairs[0], end=day - timedelta(days=1))
    starting = replace(agb.chairs[0], start=day)
    terms = replace(agb, chairs=(ending, starting))
    changed = replace(changed, groups=tuple(terms if g.id == "AGB" else g for g in changed.groups))
    assert messages(changed, plan, "availability") == [
        f"Ordförande B cannot attend AGB {day} (otillgänglig)"
    ]


def test_half_years_and_quarters_start_in_january():
    """In a calendar year the first half-year and the first quarter begin on 1 January."""
    half = AgendaItem(id="h", title="Uppföljning", groups=("G",), every="half_year")
    quarter = AgendaItem(id="q", title="Ekonomi", groups=("H",), every="quarter")
    scenario = with_items(half, quarter, end=date(2026, 12, 31))
    plan = hand_plan(
        ("G", date(2026, 1, 15), ("h",)),
        ("G", date(2026, 8, 3), ("h",)),
        *[("H", date(2026, month, 15), ("q",)) for month in (1, 4, 7, 10)],
    )
    assert messages(scenario, plan, "items") == []


def test_a_plan_without_its_chair_column_is_not_a_wrong_chair(solved):
    """A plan edited without the chair column names no chair: that is no violation, while a
    wrong chair is named against the term's."""
    scenario, plan = solved
    unnamed = replace(plan, meetings=tuple(replace(m, chair=None) for m in plan.meetings))
    assert messages(scenario, unnamed, "chair") == []
    meeting = first(plan, "AGB", 2)
    wrong = moved(plan, meeting.id, chair="chef")
    assert messages(scenario, wrong, "chair") == [
        f"AGB {meeting.start.date()} is chaired by Socialchef, but Ordförande B chairs it"
    ]
