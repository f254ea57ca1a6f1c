"""Each constraint family of the solver: without it the solver's plan breaks the rule (and the
verifier names the break); with it the plan holds.

The scenarios are a few open weeks in March 2026 (the rest of the year is a break) where every
day but one or two is avoided at a high weight, so without the rule the best plan is known by
hand and breaks it, and the rule must push a meeting onto an avoided day.
"""

from dataclasses import replace
from datetime import date

import pytest

from cadence import instance as instances
from cadence import plan as plans
from cadence import solver
from cadence.scenario import (
    AgendaItem,
    Avoid,
    Blackout,
    CalendarRules,
    ChairTerm,
    Count,
    Feed,
    FixedMeeting,
    Group,
    ItemLink,
    LeadWindow,
    Organisation,
    Period,
    Person,
    Scenario,
)
from cadence.solver.constraints import conflicts, counts, items, precedence
from cadence.verify import check

FAST = solver.Settings(time_limit=2)
OPEN = (date(2026, 3, 2), date(2026, 4, 17))
"""The only weeks without a break: Monday 2 March to Friday 17 April 2026."""


def scenario(groups, preferred, items=(), people=("p",)) -> Scenario:
    """A year with only ``OPEN`` open, every open day avoided except ``preferred``."""
    avoided = tuple(
        d
        for d in (date.fromordinal(o) for o in range(OPEN[0].toordinal(), OPEN[1].toordinal() + 1))
        if d not in preferred
    )
    return Scenario(
        name="Regel för regel",
        period=Period(start=date(2026, 1, 1), end=date(2026, 12, 31)),
        calendar=CalendarRules(
            blackouts=(
                Blackout(name="Före", start=date(2026, 1, 1), end=OPEN[0].replace(day=1)),
                Blackout(name="Efter", start=date(2026, 4, 18), end=date(2026, 12, 31)),
            ),
            avoid=(Avoid(name="Undvik", dates=avoided, weight=40),),
        ),
        organisations=(Organisation(id="RS", name="Region", kind="region"),),
        people=tuple(Person(id=p, name=f"Person {p.upper()}", organisation="RS") for p in people),
        groups=tuple(groups),
        items=tuple(items),
    )


def group(gid, meetings, weekdays, **more) -> Group:
    """A group chaired by person p all year."""
    return Group(
        id=gid,
        name=f"Grupp {gid}",
        kind="arbetsgrupp",
        meetings=Count(min=meetings, max=meetings),
        chairs=(ChairTerm(person="p", start=date(2026, 1, 1), end=date(2026, 12, 31)),),
        weekdays=weekdays,
        **more,
    )


def plan_of(sc: Scenario, inst: instances.Instance | None = None) -> plans.Plan:
    """The solver's plan of ``sc`` (from ``inst`` if given)."""
    inst = inst or instances.build(sc)
    result = solver.solve(inst, FAST)
    assert result.has_plan
    return plans.from_result(inst, result, "t")


def solved(sc: Scenario, inst: instances.Instance | None = None) -> list[str]:
    """The verifier's messages on the solver's plan of ``sc`` (from ``inst`` if given)."""
    return [v.message for v in check(sc, plan_of(sc, inst))]


def starts(plan: plans.Plan) -> set[tuple[str, str]]:
    """(group, start as "MM-DD HH:MM") of every meeting."""
    return {(m.group, f"{m.start:%m-%d %H:%M}") for m in plan.meetings}


def without(monkeypatch, module, name):
    """Switch off one part of a constraint family for the rest of the test."""
    monkeypatch.setattr(module, name, lambda *args, **kwargs: None)


MIN_GAP = scenario(
    [group("G", 2, ("tue", "wed"), min_days_between=14)],
    preferred={date(2026, 3, 24), date(2026, 3, 25)},
)


def test_min_spacing_holds():
    """With the spacing rule the two meetings are 14 days apart or more, one on a preferred day."""
    plan = plan_of(MIN_GAP)
    assert check(MIN_GAP, plan) == []
    days = sorted(m.start.date() for m in plan.meetings)
    assert (days[1] - days[0]).days >= 14
    assert {date(2026, 3, 24), date(2026, 3, 25)} & set(days)


def test_min_spacing_is_a_rule(monkeypatch):
    """Without it both meetings take the two preferred days, one day apart."""
    without(monkeypatch, counts, "_spacing")
    assert solved(MIN_GAP) == ["G meets 2026-03-24 and 2026-03-25, only 1 days apart (at least 14)"]


MAX_GAP = scenario(
    [group("G", 2, ("tue",), max_days_between=14)],
    preferred={date(2026, 3, 3), date(2026, 3, 24)},
)


def test_max_spacing_holds():
    """With the spacing rule the two meetings are exactly 14 days apart, one on a preferred day."""
    plan = plan_of(MAX_GAP)
    assert check(MAX_GAP, plan) == []
    assert starts(plan) in (
        {("G", "03-03 09:00"), ("G", "03-17 09:00")},
        {("G", "03-10 09:00"), ("G", "03-24 09:00")},
    )


THREE = scenario(
    [group("G", 3, ("tue",), max_days_between=14)],
    preferred={date(2026, 3, 3), date(2026, 3, 17), date(2026, 3, 31)},
)


def test_max_spacing_is_between_consecutive_meetings():
    """Three meetings two weeks apart keep the rule: the first and the third may be 28 apart."""
    plan = plan_of(THREE)
    assert check(THREE, plan) == []
    assert starts(plan) == {("G", "03-03 09:00"), ("G", "03-17 09:00"), ("G", "03-31 09:00")}


def test_max_spacing_is_a_rule(monkeypatch):
    """Without it the meetings take the preferred Tuesdays three weeks apart."""
    without(monkeypatch, counts, "_spacing")
    assert solved(MAX_GAP) == [
        "G meets 2026-03-03 and then not until 2026-03-24, 21 days later (at most 14)"
    ]


FIXED = scenario(
    [group("G", 1, ("tue",), fixed=(FixedMeeting(date=date(2026, 3, 17)),))],
    preferred={date(2026, 3, 10)},
)


def test_fixed_date_holds():
    """With the rule the meeting is on its fixed (avoided) day."""
    assert solved(FIXED) == []


def test_fixed_date_is_a_rule(monkeypatch):
    """Without it the meeting goes to the preferred Tuesday instead."""
    without(monkeypatch, counts, "_decided")
    assert solved(FIXED) == ["G has no meeting on its fixed date 2026-03-17"]


CHAIN = scenario(
    [
        group("BG", 1, ("thu",)),
        group("AG", 1, ("tue",), feeds=(Feed(to="BG", lead_days=LeadWindow(min=8, max=16)),)),
    ],
    preferred={date(2026, 3, 3), date(2026, 3, 26)},
    people=("p", "q"),
)


def test_chain_holds():
    """With the chain AG meets 8–16 days before BG."""
    assert solved(CHAIN) == []


def test_chain_is_a_rule(monkeypatch):
    """Without the lead window AG and BG take their preferred days, 23 days apart."""
    original = precedence.add

    def loose(model, inst, v):
        links = tuple(replace(link, low=-400, high=400) for link in inst.links)
        original(model, replace(inst, links=links), v)

    monkeypatch.setattr(precedence, "add", loose)
    monkeypatch.setattr(solver, "FAMILIES", (counts, precedence, items, conflicts))
    assert solved(CHAIN) == ["BG 2026-03-26 has no AG meeting 8–16 days before it"]


ITEM = scenario(
    [group("G", 1, ("tue",))],
    preferred={date(2026, 3, 3)},
    items=[AgendaItem(id="i", title="Verksamhetsplan", groups=("G",))],
)


def test_items_hold():
    """With the items family the meeting carries the item."""
    assert solved(ITEM) == []


def test_items_are_a_rule(monkeypatch):
    """Without the family no meeting carries the item, and the verifier says so."""
    monkeypatch.setattr(solver, "FAMILIES", (counts, precedence, conflicts))
    assert solved(ITEM) == [
        "“Verksamhetsplan” is not on a G meeting between 2026-01-01 and 2026-12-31"
    ]


FIRST = scenario(
    [group("G", 2, ("tue",))],
    preferred={date(2026, 3, 3), date(2026, 3, 24)},
    items=[
        AgendaItem(
            id="i",
            title="Årsberättelse",
            groups=("G",),
            first_meeting=True,
            window_from=date(2026, 3, 20),
            window_to=date(2026, 12, 31),
        )
    ],
)


def test_item_at_first_meeting_holds():
    """With the rule the year's first meeting is in the item's window and carries it."""
    assert solved(FIRST) == []


def test_item_at_first_meeting_is_a_rule():
    """Without it the first meeting is on the preferred 3 March and a later one has the item."""
    inst = instances.build(FIRST)
    loose = replace(inst, dues=tuple(replace(d, first_meeting=False) for d in inst.dues))
    assert solved(FIRST, loose) == [
        "“Årsberättelse” is not on a G meeting as the first meeting between 2026-03-20 and 2026-12-31"
    ]


BEFORE = scenario(
    [
        group("H", 1, ("thu",), fixed=(FixedMeeting(date=date(2026, 3, 26)),)),
        group("G", 2, ("tue",), min_days_between=7),
    ],
    preferred={date(2026, 3, 3), date(2026, 3, 31), date(2026, 3, 26)},
    items=[
        AgendaItem(id="beslut", title="Beslut", groups=("H",), every="period"),
        AgendaItem(
            id="beredning",
            title="Beredning",
            groups=("G",),
            before=ItemLink(item="beslut", min_days=8, max_days=16),
        ),
    ],
)


def test_item_before_another_holds():
    """With the rule G prepares H's decision 8–16 days before it."""
    assert solved(BEFORE) == []


def test_item_before_another_is_a_rule():
    """Without the window G meets on its preferred days, neither 8–16 days before 26 March."""
    inst = instances.build(BEFORE)
    loose = replace(
        inst,
        dues=tuple(
            replace(d, before=(d.before[0], -400, 400)) if d.before else d for d in inst.dues
        ),
    )
    assert solved(BEFORE, loose) == [
        "“Beredning” is not on a G meeting 8–16 days before the meeting it prepares"
    ]


CLASH = scenario(
    [group("X", 1, ("tue", "wed")), group("Y", 1, ("tue", "wed"))],
    preferred={date(2026, 3, 10)},
)


def test_conflicts_hold():
    """With the no-overlap one of the chair's two groups takes the preferred morning."""
    plan = plan_of(CLASH)
    assert check(CLASH, plan) == []
    assert ("X", "03-10 09:00") in starts(plan) or ("Y", "03-10 09:00") in starts(plan)


def _chair_changes(preferred: date) -> Scenario:
    """X is chaired by p until 15 March and by q after; q chairs Y all year."""
    x = replace(
        group("X", 1, ("tue", "wed")),
        chairs=(
            ChairTerm(person="p", start=date(2026, 1, 1), end=date(2026, 3, 15)),
            ChairTerm(person="q", start=date(2026, 3, 16), end=date(2026, 12, 31)),
        ),
    )
    y = replace(
        group("Y", 1, ("tue", "wed")),
        chairs=(ChairTerm(person="q", start=date(2026, 1, 1), end=date(2026, 12, 31)),),
    )
    return scenario([x, y], preferred={preferred}, people=("p", "q"))


def test_chair_of_part_of_the_period_clashes_only_in_the_term():
    """On 10 March X's chair is p, so X and Y may share the morning; on 24 March q chairs both."""
    before = _chair_changes(date(2026, 3, 10))
    plan = plan_of(before)
    assert check(before, plan) == []
    assert starts(plan) == {("X", "03-10 09:00"), ("Y", "03-10 09:00")}
    after = _chair_changes(date(2026, 3, 24))
    plan = plan_of(after)
    assert check(after, plan) == []
    assert len(starts(plan) & {("X", "03-24 09:00"), ("Y", "03-24 09:00")}) == 1


def test_chair_of_part_of_the_period_is_a_rule(monkeypatch):
    """Without the no-overlap q would chair X and Y at the same time on 24 March."""
    monkeypatch.setattr(solver, "FAMILIES", (counts, precedence, items))
    assert solved(_chair_changes(date(2026, 3, 24))) == [
        "Person Q is at X and Y at the same time on 2026-03-24"
    ]


def test_conflicts_are_a_rule(monkeypatch):
    """Without it both groups take the one preferred morning, and their chair is at both."""
    monkeypatch.setattr(solver, "FAMILIES", (counts, precedence, items))
    assert solved(CLASH) == ["Person P is at X and Y at the same time on 2026-03-10"]


@pytest.mark.parametrize("family", [counts, precedence, items, conflicts])
def test_every_family_is_in_the_model(family):
    """The solver adds every family module tested here."""
    assert family in solver.FAMILIES


CHAIN_TWICE = scenario(
    [
        group("BG", 2, ("thu",)),
        group("AG", 2, ("tue",), feeds=(Feed(to="BG", lead_days=LeadWindow(min=8, max=16)),)),
    ],
    preferred={date(2026, 3, 3), date(2026, 3, 12), date(2026, 3, 31), date(2026, 4, 9)},
    people=("p", "q"),
)


def test_chain_of_two_rounds_holds():
    """Two rounds, each AG meeting 9 days before a BG meeting: the preferred days are the plan."""
    plan = plan_of(CHAIN_TWICE)
    assert check(CHAIN_TWICE, plan) == []
    assert starts(plan) == {
        ("AG", "03-03 09:00"), ("BG", "03-12 09:00"), ("AG", "03-31 09:00"), ("BG", "04-09 09:00"),
    }  # fmt: skip


TOO_CLOSE = scenario(
    [
        group("BG", 1, ("thu",), fixed=(FixedMeeting(date=date(2026, 3, 26)),)),
        group("AG", 1, ("tue",), feeds=(Feed(to="BG", lead_days=LeadWindow(min=8, max=16)),)),
    ],
    preferred={date(2026, 3, 24), date(2026, 3, 26)},
    people=("p", "q"),
)


def test_chain_minimum_lead_holds():
    """AG prefers two days before BG's fixed meeting, but must meet 8–16 days before: 17 March,
    the lead nearest the preferred (the minimum)."""
    plan = plan_of(TOO_CLOSE)
    assert check(TOO_CLOSE, plan) == []
    assert starts(plan) == {("AG", "03-17 09:00"), ("BG", "03-26 09:00")}


OPTIONAL = scenario(
    [
        replace(
            group("G", 1, ("tue",), min_days_between=14, max_days_between=14),
            meetings=Count(min=1, max=3),
            fixed=(FixedMeeting(date=date(2026, 3, 3)), FixedMeeting(date=date(2026, 3, 31))),
        )
    ],
    preferred={date(2026, 3, 3), date(2026, 3, 31)},
)


def test_optional_meetings_keep_the_spacing():
    """One to three meetings, exactly 14 days apart, fixed on 3 and 31 March: the third is the
    one between them, on 17 March."""
    plan = plan_of(OPTIONAL)
    assert check(OPTIONAL, plan) == []
    assert starts(plan) == {("G", "03-03 09:00"), ("G", "03-17 09:00"), ("G", "03-31 09:00")}


EXACT = scenario(
    [
        group("BG", 1, ("thu",), fixed=(FixedMeeting(date=date(2026, 3, 26)),)),
        group("AG", 1, ("tue",), feeds=(Feed(to="BG", lead_days=LeadWindow(min=16, max=16)),)),
    ],
    preferred={date(2026, 3, 17), date(2026, 3, 26)},
    people=("p", "q"),
)


def test_chain_window_of_one_lead_holds():
    """A lead of exactly 16 days: AG meets on 10 March, not on its preferred 17 March."""
    plan = plan_of(EXACT)
    assert check(EXACT, plan) == []
    assert starts(plan) == {("AG", "03-10 09:00"), ("BG", "03-26 09:00")}


def _quarterly(window_from: str, preferred: set[date]) -> Scenario:
    """G meets twice on Wednesdays; an item is due at its first meeting of the second quarter,
    from ``window_from`` to 17 April."""
    item = AgendaItem(id="k", title="Kvartal", groups=("G",), every="quarter", first_meeting=True,
                      window_from=window_from, window_to="04-17")  # fmt: skip
    return scenario([group("G", 2, ("wed",))], preferred=preferred, items=[item])


def test_item_at_the_first_meeting_of_a_quarter():
    """On 1 April, the quarter's first day, the first meeting of the quarter carries the item."""
    sc = _quarterly("04-01", {date(2026, 3, 4), date(2026, 4, 1)})
    plan = plan_of(sc)
    assert check(sc, plan) == []
    assert starts(plan) == {("G", "03-04 09:00"), ("G", "04-01 09:00")}
    assert [m.items for m in sorted(plan.meetings, key=lambda m: m.start)] == [(), ("k",)]


def test_no_meeting_in_the_quarter_before_the_item():
    """With the window from 8 April no meeting of the quarter may come before it: not 1 April."""
    sc = _quarterly("04-08", {date(2026, 4, 1), date(2026, 4, 8)})
    plan = plan_of(sc)
    assert check(sc, plan) == []
    assert ("G", "04-08 09:00") in starts(plan) and ("G", "04-01 09:00") not in starts(plan)


BEFORE_EXACT = replace(
    BEFORE,
    items=(
        BEFORE.items[0],
        replace(BEFORE.items[1], before=ItemLink(item="beslut", min_days=9, max_days=9)),
    ),
)


def test_item_before_another_exactly():
    """Prepared exactly 9 days before the decision on 26 March: G meets on 17 March."""
    plan = plan_of(BEFORE_EXACT)
    assert check(BEFORE_EXACT, plan) == []
    (carrier,) = [m for m in plan.meetings if "beredning" in m.items]
    assert f"{carrier.start:%m-%d}" == "03-17"


OPTIONAL_CHAIN = scenario(
    [
        replace(
            group("BG", 1, ("thu",)),
            meetings=Count(min=1, max=2),
            fixed=(FixedMeeting(date=date(2026, 3, 12)), FixedMeeting(date=date(2026, 4, 9))),
        ),
        replace(
            group("AG", 1, ("tue",), feeds=(Feed(to="BG", lead_days=LeadWindow(min=8, max=16)),)),
            meetings=Count(min=1, max=2),
        ),
    ],
    preferred={date(2026, 3, 3), date(2026, 3, 12), date(2026, 4, 9)},
    people=("p", "q"),
)


def test_optional_meetings_in_the_chain():
    """BG's second, optional meeting is fixed, so it is held and needs its own AG meeting,
    which must be held too: AG meets twice although only 3 March is preferred."""
    plan = plan_of(OPTIONAL_CHAIN)
    assert check(OPTIONAL_CHAIN, plan) == []
    ag = sorted(m.start.date() for m in plan.meetings if m.group == "AG")
    assert ag[0] == date(2026, 3, 3) and ag[1] in (date(2026, 3, 24), date(2026, 3, 31))


OPTIONAL_CARRIER = scenario(
    [
        replace(
            group("G", 1, ("tue",), fixed=(FixedMeeting(date=date(2026, 3, 3)),)),
            meetings=Count(min=1, max=2),
        )
    ],
    preferred={date(2026, 3, 3)},
    items=[
        AgendaItem(
            id="i", title="Uppföljning", groups=("G",), window_from="04-01", window_to="04-17"
        )
    ],
)


def test_optional_meeting_that_carries_an_item_is_held():
    """The item's window is in April but G's one required meeting is fixed on 3 March: its
    optional second meeting is held in April to carry the item."""
    plan = plan_of(OPTIONAL_CARRIER)
    assert check(OPTIONAL_CARRIER, plan) == []
    (carrier,) = [m for m in plan.meetings if "i" in m.items]
    assert date(2026, 4, 1) <= carrier.start.date() <= date(2026, 4, 17)
    assert ("G", "03-03 09:00") in starts(plan)


LONG_LEAD = scenario(
    [
        group("BG", 1, ("thu",)),
        group("AG", 1, ("tue",), feeds=(Feed(to="BG", lead_days=LeadWindow(min=44, max=44)),)),
    ],
    preferred=set(),
    people=("p", "q"),
)


def test_chain_across_the_whole_open_window():
    """A lead of exactly 44 days fits only from AG's first possible day (3 March) to BG's last
    (16 April): the solver must consider that pair."""
    plan = plan_of(LONG_LEAD)
    assert check(LONG_LEAD, plan) == []
    assert starts(plan) == {("AG", "03-03 09:00"), ("BG", "04-16 09:00")}


SHARED = scenario(
    [
        group("BG", 2, ("thu",),
              fixed=(FixedMeeting(date=date(2026, 3, 12)), FixedMeeting(date=date(2026, 3, 19)))),
        group("AG", 1, ("tue",), feeds=(Feed(to="BG", lead_days=LeadWindow(min=8, max=16)),)),
    ],
    preferred={date(2026, 3, 3), date(2026, 3, 12), date(2026, 3, 19)},
    people=("p", "q"),
)  # fmt: skip


def test_one_meeting_prepares_two():
    """AG's one meeting on 3 March is 9 and 16 days before BG's two: it prepares both."""
    plan = plan_of(SHARED)
    assert check(SHARED, plan) == []
    assert starts(plan) == {("AG", "03-03 09:00"), ("BG", "03-12 09:00"), ("BG", "03-19 09:00")}
