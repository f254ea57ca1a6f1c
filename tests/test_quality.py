"""The plan's quality in the coordinator's words (cadence.quality), on plans written by hand."""

from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from cadence import goals, instance, loader
from cadence import plan as plans
from cadence.cli import main
from cadence.quality import LateLead, Overload, assess, describe

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def inst():
    """quality.yaml: AG (Tuesdays, Wednesdays allowed) prepares BG (Thursdays); restart days
    12–13 January; Ordförande AG in both groups, one meeting a week."""
    return instance.build(loader.load(DATA / "quality.yaml").scenario)


def planned(inst, days: dict[str, list[date]]) -> plans.Plan:
    placed = {g: [(inst.index(d), 0) for d in ds] for g, ds in days.items()}
    return plans.build(inst, placed, {}, "quality")


GOOD = {
    "AG": [date(2026, 2, 10), date(2026, 3, 10), date(2026, 4, 14)],
    "BG": [date(2026, 2, 19), date(2026, 3, 19), date(2026, 4, 23)],
}
# AG on restart day Tue 13 January (forced: BG on 22 January must be prepared by the 13th) and
# on a Wednesday in the same week as BG; BG on 5 February is prepared 23 days ahead.
EVERY_FINDING = {
    "AG": [date(2026, 1, 13), date(2026, 2, 4), date(2026, 3, 3)],
    "BG": [date(2026, 1, 22), date(2026, 2, 5), date(2026, 3, 12)],
}
# AG on Tue 13 January prepares BG on 29 January, which it could have done from 14–20 January.
UNFORCED_RESTART = {
    "AG": [date(2026, 1, 13), date(2026, 2, 10), date(2026, 3, 10)],
    "BG": [date(2026, 1, 29), date(2026, 2, 19), date(2026, 3, 19)],
}


def test_a_good_plan_has_no_findings(inst):
    """Usual weekdays, no restart day, leads at the preferred 9–10 days, one meeting a week."""
    q = assess(inst, planned(inst, GOOD))
    assert q.meetings == 6
    assert q.off_weekday == q.restart == q.restart_forced == ()
    assert q.late_leads == () and q.overloads == ()
    assert describe(q) == [
        "all 6 meetings on their group's usual weekday",
        "no meeting on the first days after a break unless the chain forces it",
        "every preparation within a week of its preferred lead",
        "nobody with more than 1 meetings in a week",
    ]


def test_each_finding_names_its_meetings(inst):
    """A Wednesday, a forced restart day, a 23-day lead against 10 preferred, two meetings in
    ISO week 6 for Ordförande AG."""
    q = assess(inst, planned(inst, EVERY_FINDING))
    assert q.off_weekday == ("AG-2026-02",)
    assert q.restart == ()
    assert q.restart_forced == ("AG-2026-01",)
    assert q.late_leads == (LateLead("BG-2026-02", "AG", 23, 10),)
    assert q.overloads == (Overload("ordf-ag", (2026, 6), 2),)
    assert q.people_over == ("ordf-ag",)
    assert describe(q) == [
        "1 of 6 meetings off their group's usual weekday: AG-2026-02",
        "no meeting on the first days after a break unless the chain forces it (1 more that "
        "the chain forces: AG-2026-01)",
        "1 preparations more than a week earlier than preferred; the longest: AG for "
        "BG-2026-02, 23 days (preferred 10)",
        "1 people with more than 1 meetings in a week (1 person-weeks): Ordförande AG",
    ]


def test_findings_are_units_of_the_objective(inst):
    """Each finding is a unit of cadence.goals: rhythm 1, avoid 4 (the restart day's weight),
    lead 1, person_week 1."""
    values = goals.penalties(inst, planned(inst, EVERY_FINDING).times(inst))
    assert (values["rhythm"], values["avoid"], values["lead"], values["person_week"]) == (
        1, 4, 1, 1,
    )  # fmt: skip


def test_a_restart_day_the_chain_does_not_force(inst):
    """BG on 29 January could be prepared on 14 or 20 January: AG on the 13th is not forced."""
    q = assess(inst, planned(inst, UNFORCED_RESTART))
    assert q.restart == ("AG-2026-01",)
    assert q.restart_forced == ()
    assert q.late_leads == ()  # 16 days against 10 preferred: within the free week
    assert describe(q)[1] == (
        "1 meetings on the first days after a break that the chain does not force: AG-2026-01"
    )


def test_cli_prints_quality_after_the_objective(tmp_path: Path):
    """`cadence plan` prints the findings right after the objective line (micro's optimum
    prepares both BG meetings 16 days ahead: its eight open weeks leave no better)."""
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["plan", str(DATA / "micro.yaml"), "--out", str(out), "--time-limit", "5"]
    )
    assert result.exit_code == 0, result.output
    summary = [line for line in result.output.splitlines() if not line.startswith("[")]
    assert summary[0].startswith("optimal: objective ")
    assert summary[1:5] == [
        "quality: all 5 meetings on their group's usual weekday",
        "quality: no meeting on the first days after a break unless the chain forces it",
        "quality: 2 preparations more than a week earlier than preferred; the longest: AG for "
        "BG-2026-02, 16 days (preferred 9)",
        "quality: nobody with more than 2 meetings in a week",
    ]
