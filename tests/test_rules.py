"""The coordinator's rules of a publishable plan (tests/data/rules.yaml): notices on working
days, write-up days before the next body's notice, restart after breaks, one meeting a day, the
usual weekday and start time, the deputy chair, meetings before the period, counts per month and
per year. Each rule: loaded, refused with a located error when wrong, kept by the solver, and
reported by the verifier in words when a plan breaks it."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from cadence import goals, loader
from cadence.calendar import WorkCalendar
from cadence.errors import ScenarioError
from cadence.export.ics import description
from cadence.instance import build, usual_weekdays
from cadence.plan import Meeting, Plan, from_result
from cadence.solver import Settings, solve
from cadence.verify import check

DATA = Path(__file__).parent / "data"
RULES = DATA / "rules.yaml"
TZ = ZoneInfo("Europe/Stockholm")


@pytest.fixture(scope="module")
def scenario():
    return loader.load(RULES).scenario


@pytest.fixture(scope="module")
def solved(scenario):
    inst = build(scenario)
    result = solve(inst, Settings(time_limit=10))
    return inst, result, from_result(inst, result, "rules")


def meeting(group: str, day: date, start: time = time(9), minutes: int = 120, **extra) -> Meeting:
    begin = datetime.combine(day, start, TZ)
    fields = {"chair": None, **extra}
    return Meeting(
        id=f"{group}-{day}", uid=f"{group}-{day}@test", group=group, start=begin,
        end=begin + timedelta(minutes=minutes), location="", **fields,
    )  # fmt: skip


def messages(scenario, meetings, rule: str) -> list[str]:
    plan = Plan(scenario.name, tuple(meetings))
    return [v.message for v in check(scenario, plan) if v.rule == rule]


# -- loading and located errors ---------------------------------------------------------------


def test_new_keys_are_loaded(scenario):
    """Every new key of the format reaches the scenario."""
    assert scenario.writeup_days == 2
    assert scenario.person_day_hard is True
    assert scenario.calendar.restart is not None
    assert (scenario.calendar.restart.days, scenario.calendar.restart.weight) == (2, 5)
    ber, nam, nat = (scenario.group(g) for g in ("BER", "NAM", "NAT"))
    assert ber.usual_start == time(13) and ber.usual_weekday == "mon"
    assert ber.preceding == (date(2025, 12, 10),)
    assert (ber.meetings.per_month, ber.meetings.except_months) == (1, (7,))
    assert nam.chairs[0].deputy == "vice"
    assert [(y.year, y.min, y.max) for y in nat.meetings.years] == [(2026, 3, 3)]


def line_of(text: str, needle: str) -> int:
    """The 1-based line of ``needle`` in the test's own file text."""
    return text[: text.index(needle)].count("\n") + 1


@pytest.mark.parametrize(
    ("old", "new", "where", "words"),
    [
        ("writeup_days: 2", "writeup_days: -1", "writeup_days", "cannot be negative (-1)"),
        ("restart: {days: 2, weight: 5}", "restart: {days: 0, weight: 5}", "calendar.restart.days",
         "must be a positive number, not 0"),
        ('usual_start: "13:00"', 'usual_start: "10:00"', "groups[1].usual_start",
         "10:00 is not among the start times (09:00, 13:00)"),
        ("deputy: vice", "deputy: nobody", "groups[0].chairs[0].deputy", "unknown person 'nobody'"),
        ("deputy: vice", "deputy: ordf", "groups[0].chairs[0].deputy",
         "the deputy must be someone other than the chair"),
        ("preceding: [2025-12-10]", "preceding: [2026-01-10]", "groups[1].preceding[0]",
         "2026-01-10 is not before the period (it starts 2026-01-01)"),
        ("except_months: [7]", "except_months: [13]", "groups[1].meetings.except_months[0]",
         "month 13 does not exist (1-12)"),
        ("{per_month: 1, except_months: [7]}", "{per_month: 1, min: 3, max: 3}",
         "groups[1].meetings.per_month", "per_month replaces min and max"),
        ("years: [{year: 2026, min: 3, max: 3}]",
         "years: [{year: 2026, min: 3, max: 3}, {year: 2026, min: 2, max: 2}]",
         "groups[2].meetings.years[1].year", "2026 is listed twice"),
    ],
)  # fmt: skip
def test_wrong_values_are_located(tmp_path, old, new, where, words):
    """A wrong value of each new key: exit-2 error naming the file, the line and the field."""
    text = RULES.read_text(encoding="utf-8")
    assert old in text
    bad = tmp_path / "rules.yaml"
    bad.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        loader.load(bad)
    found = [str(p) for p in caught.value.problems]
    line = line_of(text, old)
    assert any(f"rules.yaml:{line} {where}: " in p and words in p for p in found), found


def test_scaled_part_year_count_warns(tmp_path):
    """A yearly count scaled to a part-year is said, with the numbers, as a warning."""
    text = RULES.read_text(encoding="utf-8").replace("end: 2026-12-31}", "end: 2026-06-30}", 1)
    text = text.replace("    meetings: 4\n", "    meetings: 6\n", 1)
    half = tmp_path / "half.yaml"
    half.write_text(text, encoding="utf-8")
    warnings = [str(w) for w in loader.load(half).warnings]
    assert any(
        "groups[0].meetings: NAM: the period covers 2026-01-01–2026-06-30, 50% of 2026; "
        "6–6 meetings a year become 2–3" in w
        for w in warnings
    ), warnings


def test_no_possible_day_longer_than_the_gap_warns(tmp_path):
    """A group that cannot meet for longer than its maximum gap is warned about."""
    text = RULES.read_text(encoding="utf-8").replace(
        "  - {id: chef, name: Förvaltningschef, organisation: KOM}",
        "  - id: chef\n    name: Förvaltningschef\n    organisation: KOM\n    unavailable:\n"
        "      - {start: 2026-03-01, end: 2026-05-31, reason: Tjänstledig}",
    )
    text = text.replace("meetings: {per_month: 1, except_months: [7]}", "meetings: 8")
    away = tmp_path / "away.yaml"
    away.write_text(text, encoding="utf-8")
    warnings = [str(w) for w in loader.load(away).warnings]
    line = line_of(text, "max_days_between: 70")
    assert any(
        f"away.yaml:{line} groups[1].max_days_between: BER can meet on no day from 2026-02-28 "
        "to 2026-05-31 (94 days between possible days, at most 70 between meetings)" in w
        for w in warnings
    ), warnings


# -- the calendar -------------------------------------------------------------------------


def test_notice_goes_out_on_a_working_day(scenario):
    """A week before, or the last working day before that: holidays and breaks move it back."""
    cal = WorkCalendar(scenario.calendar, scenario.period)
    assert cal.notice_day(date(2026, 3, 12), 7) == date(2026, 3, 5)
    assert cal.notice_day(date(2026, 5, 21), 7) == date(2026, 5, 13)  # 14 May: Kristi himmelsf.
    assert cal.notice_day(date(2026, 1, 8), 7) == date(2025, 12, 19)  # the Christmas break
    assert cal.notice_day(date(2026, 8, 6), 7) == date(2026, 6, 26)  # the summer break


def test_preparation_deadline_leaves_the_writeup_days(scenario):
    """Two working days between the preparing meeting and the notice."""
    cal = WorkCalendar(scenario.calendar, scenario.period)
    # NAM Thursday 12 March: notice Thursday 5 March; Tuesday 3 and Wednesday 4 to write up.
    assert cal.preparation_deadline(date(2026, 3, 12), 7, 2) == date(2026, 3, 2)
    # NAM Thursday 21 May: notice Wednesday 13 May; 11 and 12 May to write up.
    assert cal.preparation_deadline(date(2026, 5, 21), 7, 2) == date(2026, 5, 10)
    assert cal.preparation_deadline(date(2026, 3, 12), 7, 0) == date(2026, 3, 4)


def test_restart_days_follow_each_break(scenario):
    """The first two working days after the summer and Christmas breaks, and only those."""
    cal = WorkCalendar(scenario.calendar, scenario.period)
    assert sorted(cal.restart) == [
        date(2026, 1, 7), date(2026, 1, 8), date(2026, 8, 3), date(2026, 8, 4),
    ]  # fmt: skip
    assert cal.avoid_weight(date(2026, 8, 3)) == 5
    assert cal.restart[date(2026, 8, 3)] == "Första dagarna efter sommaruppehåll"


# -- the verifier names each broken rule ------------------------------------------------------


def test_verifier_notice_on_a_holiday(scenario):
    """A kallelse on Kristi himmelsfärdsdag, or not on the last working day, is named."""
    on_holiday = meeting("NAM", date(2026, 5, 21), minutes=180, notice=date(2026, 5, 14))
    assert messages(scenario, [on_holiday], "notice") == [
        "the notice of NAM 2026-05-21 goes out 2026-05-14, not a working day "
        "(Kristi himmelsfärdsdag); it should go out 2026-05-13"
    ]
    too_early = meeting("NAM", date(2026, 5, 21), minutes=180, notice=date(2026, 5, 12))
    assert messages(scenario, [too_early], "notice") == [
        "the notice of NAM 2026-05-21 goes out 2026-05-12; 7 days before, on the last working "
        "day, is 2026-05-13"
    ]
    right = meeting("NAM", date(2026, 5, 21), minutes=180, notice=date(2026, 5, 13))
    assert messages(scenario, [right], "notice") == []


def test_verifier_writeup_days(scenario):
    """A preparing meeting the day before the write-up days is too late; two days earlier is not."""
    nam = meeting("NAM", date(2026, 3, 12), minutes=180)
    late = meeting("BER", date(2026, 3, 3), time(13))
    assert messages(scenario, [nam, late], "chain") == [
        "BER 2026-03-03 prepares NAM 2026-03-12, but the notice goes out 2026-03-05: 2 working "
        "days to write up must lie between (the BER meeting by 2026-03-02)"
    ]
    in_time = meeting("BER", date(2026, 3, 2), time(13))
    assert messages(scenario, [nam, in_time], "chain") == []


def test_verifier_preceding_meeting_prepares(scenario):
    """The meeting before the period prepares the first NAM meeting; without it, nothing does."""
    nam = meeting("NAM", date(2026, 1, 8), minutes=180)
    assert messages(scenario, [nam], "chain") == []
    without = dataclasses.replace(
        scenario,
        groups=tuple(
            dataclasses.replace(g, preceding=()) if g.id == "BER" else g for g in scenario.groups
        ),
    )
    assert messages(without, [nam], "chain") == [
        "NAM 2026-01-08 has no BER meeting 8–60 days before it"
    ]


def test_verifier_spacing_after_preceding(scenario):
    """The first meeting keeps the maximum gap from the meeting before the period."""
    first = meeting("BER", date(2026, 2, 20), time(13))
    assert messages(scenario, [first], "spacing") == [
        "BER met 2025-12-10 before the period and then 2026-02-20, 72 days later "
        "(at least 14, at most 70)"
    ]


def test_verifier_one_meeting_a_day(scenario):
    """The samordnare at BER in the morning and NAT in the afternoon of one day."""
    ber = meeting("BER", date(2026, 3, 10), time(9))
    nat = meeting("NAT", date(2026, 3, 10), time(13))
    assert messages(scenario, [ber, nat], "one_a_day") == [
        "Samordnare has two meetings on 2026-03-10 (BER and NAT)"
    ]
    assert messages(scenario, [ber, meeting("NAT", date(2026, 3, 11), time(13))], "one_a_day") == []


def test_verifier_deputy_chair(scenario):
    """In May the ordförande is away: the vice ordförande chairs, and nobody else."""
    by_chair = meeting("NAM", date(2026, 5, 21), minutes=180, chair="ordf")
    assert messages(scenario, [by_chair], "chair") == [
        "NAM 2026-05-21 is chaired by Ordförande nämnden, but Vice ordförande nämnden chairs it"
    ]
    assert "Ordförande nämnden cannot attend NAM 2026-05-21 (Föräldraledig)" in messages(
        scenario, [by_chair], "availability"
    )
    by_deputy = meeting("NAM", date(2026, 5, 21), minutes=180, chair="vice")
    assert messages(scenario, [by_deputy], "chair") == []
    assert messages(scenario, [by_deputy], "availability") == []
    in_june = meeting("NAM", date(2026, 6, 4), minutes=180, chair="vice")
    assert messages(scenario, [in_june], "chair") == [
        "NAM 2026-06-04 is chaired by Vice ordförande nämnden, but Ordförande nämnden chairs it"
    ]


def test_verifier_counts_per_month(scenario):
    """Once a month except July: two in March and none in February is named month by month."""
    days = [date(2026, 1, 12), date(2026, 3, 2), date(2026, 3, 16)]
    ber = [meeting("BER", d, time(13)) for d in days]
    found = messages(scenario, ber, "counts")
    assert "BER meets 0 times in februari 2026, not 1" in found
    assert "BER meets 2 times in mars 2026, not 1" in found
    assert not any("januari" in m or "juli" in m for m in found)


# -- the solver keeps them, and the plan says so ----------------------------------------------


def test_solver_plan_keeps_every_rule(scenario, solved):
    """The solver's plan passes the verifier and shows each rule at work."""
    _, result, plan = solved
    assert result.status == "optimal"
    assert check(scenario, plan) == []
    by_group = plan.by_group()
    months = [m.start.month for m in sorted(by_group["BER"], key=lambda m: m.start)]
    assert months == [1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12]
    assert len(by_group["NAT"]) == 3
    budget = plan.meeting(
        next(m.id for m in by_group["NAM"] if m.start.date() == date(2026, 5, 21))
    )
    assert budget.chair == "vice"
    days = [m.start.date() for m in plan.meetings]  # the samordnare is in every group
    assert len(days) == len(set(days))
    cal = WorkCalendar(scenario.calendar, scenario.period)
    for m in plan.meetings:
        assert m.notice is not None and cal.is_working_day(m.notice)
        assert m.notice <= m.start.date() - timedelta(days=7)
        weekday = m.start.date().weekday()
        usual = {"NAM": 3, "BER": 0}.get(m.group)
        if usual is not None and weekday != usual:
            assert m.note and m.note.startswith("Annan veckodag än vanligt"), m
        else:
            assert m.note is None, m


def test_plan_objective_equals_solver(solved):
    """At a proven optimum the plan's own goal values are the solver's."""
    inst, result, plan = solved
    assert result.status == "optimal"
    assert plan.goal_values(inst) == result.goal_values
    assert plan.objective(inst) == result.objective


def test_feed_text_names_deputy_and_notice(scenario, solved):
    """The description says who chairs in whose place and when the kallelse goes out."""
    _, _, plan = solved
    budget = next(m for m in plan.meetings if m.start.date() == date(2026, 5, 21))
    text = description(scenario, plan, budget)
    assert (
        "Ordförande: Vice ordförande nämnden (vice ordförande, i stället för Ordförande nämnden)."
        in text
    )
    assert "Kallelse senast 13 maj." in text


# -- the goals ----------------------------------------------------------------------------


def test_rhythm_counts_weekday_and_start(solved):
    """One unit for another weekday, one for another start time (BER: Mondays at 13:00)."""
    inst, _, _ = solved
    monday = inst.index(date(2026, 3, 2))
    tuesday = inst.index(date(2026, 3, 3))
    one = goals.penalties(inst, {"BER": [(monday, 13 * 60)]})["rhythm"]
    assert one == 0
    assert goals.penalties(inst, {"BER": [(monday, 9 * 60)]})["rhythm"] == 1
    assert goals.penalties(inst, {"BER": [(tuesday, 9 * 60)]})["rhythm"] == 2


def test_lead_week_beyond_preferred_is_free(solved):
    """Preferred 14: a lead of 14–20 days costs nothing, 21–27 one unit."""
    inst, _, _ = solved
    nam = inst.index(date(2026, 3, 26))
    for lead, units in ((14, 0), (20, 0), (21, 1), (27, 1), (28, 2)):
        got = goals.penalties(inst, {"NAM": [(nam, 540)], "BER": [(nam - lead, 780)]})["lead"]
        assert got == units, (lead, got)


def test_spread_ideals_are_open_days(solved):
    """No ideal day of any group lies on a day it cannot meet (breaks, weekends)."""
    inst, _, _ = solved
    for group in inst.groups:
        for target in goals.spread_targets(group):
            open_days = group.open_days[target.slice_index]
            assert target.ideal in open_days, (group.id, inst.day(target.ideal))


def test_usual_weekdays_do_not_depend_on_file_order(scenario):
    """Derived usual weekdays: the same whatever the order of the groups in the file."""
    bare = dataclasses.replace(
        scenario,
        groups=tuple(dataclasses.replace(g, usual_weekday=None) for g in scenario.groups),
    )
    reordered = dataclasses.replace(bare, groups=tuple(reversed(bare.groups)))
    assert usual_weekdays(bare) == usual_weekdays(reordered)
    derived = usual_weekdays(bare)
    assert derived["NAM"] == "thu"  # its only weekday
    assert len({derived["BER"], derived["NAT"]}) == 2  # they share the samordnare


def test_days_a_package_does_not_list_are_blocked_by_date(scenario):
    """A local klämdag or planning day: a blackout (or avoid period) by date."""
    from cadence.scenario import Avoid, Blackout

    rules = dataclasses.replace(
        scenario.calendar,
        blackouts=(
            *scenario.calendar.blackouts,
            Blackout(name="Klämdag", dates=(date(2026, 6, 5),)),
        ),
        avoid=(Avoid(name="Planeringsdag", dates=(date(2026, 9, 14),), weight=2),),
    )
    cal = WorkCalendar(rules, scenario.period)
    assert not cal.is_working_day(date(2026, 6, 5))
    assert cal.blocked_reason(date(2026, 6, 5)) == "Klämdag"
    assert cal.is_working_day(date(2026, 9, 14)) and cal.avoid_weight(date(2026, 9, 14)) == 2
