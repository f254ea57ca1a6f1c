"""``cadence explain``: the rules that bind a published meeting, the other days it could have had
with their cost, and whether the last re-plan moved it.

The expected values for tests/data/explain.yaml are worked out by hand (see the comments), not
computed by the code under test.
"""

import shutil
from datetime import date

import pytest
from click.testing import CliRunner

from cadence import explain, loader, solver
from cadence.cli import main
from cadence.output import write_folder
from cadence.replan import run
from cadence.state import read
from tests.conftest import DATA, ROOT

FAST = solver.Settings(time_limit=2)

# tests/data/explain.yaml. BG meets once, fixed on Thu 26 March; its kallelse goes out Thu 19
# March (7 days before, a working day); two write-up days (Wed 18, Tue 17) leave AG until Mon 16
# March. AG meets Tue or Wed from 2 March (the break "Före" ends 1 March), not Tue 10 March (its
# chair is away), and must carry "Lägesrapport" by Fri 13 March: Tue 3, Wed 4 or Wed 11 March.
# Goals: lead 26 - day beyond 20 days costs 1 (preferred 14 plus a free week); rhythm 1 off
# Tuesday. Spread: AG's open days run Tue 3 March – Wed 15 April (14 days: 3, 4, 10, 11, 17, 18,
# 24, 25, 31 March, 1, 7, 8, 14, 15 April); its stage is -7 days (half its preferred lead
# before BG), which is round(-7 * 14 / 44) = -2 open days, so its ideal day is open day
# 14 // 2 - 2 = 5: Wed 18 March. More than 3 days off costs 1, more than 10 days 2.
# Wed 11 March: spread 1 (7 days), lead 0 (15 days), rhythm 1: 4 + 2 = 6, the optimum.
# Tue 3 March: spread 2 (15 days), lead 1 (23 days), rhythm 0: 8 + 3 = 11, so +5.
# Wed 4 March: spread 2 (14 days), lead 1 (22 days), rhythm 1: 8 + 3 + 2 = 13, so +7.
# Lines: 8 "Före", 17 the chair's day away, 27 BG's weekdays, 30 BG's fixed date, 31 AG,
# 35 AG's chairs, 36 AG's weekdays, 39 AG's feed to BG, 41 the item.


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """explain.yaml planned and published into a folder: (loaded scenario, folder)."""
    loaded = loader.load(DATA / "explain.yaml")
    done = run(loaded.scenario, "explain", None, FAST, None)
    assert done.violations == ()
    folder = tmp_path_factory.mktemp("explain-out")
    write_folder(folder, done.files)
    return loaded, folder


def explained(published, meeting_id, report=None):
    loaded, folder = published
    state = read(folder / "plan.json")
    return explain.explain(loaded, "explain", state, meeting_id, FAST, None, report)


def test_binding_rules_of_the_preparing_meeting(published):
    """AG-2026-01 on Wed 11 March: the chain to BG's fixed meeting with the kallelse and
    write-up days, its chair away that week, its item, its weekdays, each with its line."""
    found = explained(published, "AG-2026-01")
    assert found.meeting.start.date() == date(2026, 3, 11)
    rules = [str(rule) for rule in found.rules]
    assert rules == [
        "bereder BG-2026-01 (torsdag 2026-03-26, 15 dagar senare): AG ska mötas 9–28 dagar före "
        "det och senast måndag 2026-03-16, 2 arbetsdagar före BG:s kallelse torsdag 2026-03-19 "
        "[explain.yaml:39]",
        "kallelsen går ut onsdag 2026-03-04: 7 dagar före, på sista arbetsdagen "
        "[explain.yaml:31 (default)]",
        "ordförande Ordförande AG (mandatperiod 2026-01-01 – 2026-12-31) [explain.yaml:35]",
        "Ordförande AG är borta tisdag 2026-03-10: Kommunfullmäktige [explain.yaml:17]",
        "tar upp ”Lägesrapport”, mellan torsdag 2026-01-01 och fredag 2026-03-13 [explain.yaml:41]",
        "AG möts på tisdag, onsdag; oftast tisdag [explain.yaml:36]",
        "AG möts 1 gång om året [explain.yaml:34]",
        "uppehållet ”Före” slutar söndag 2026-03-01, 10 dagar före [explain.yaml:8]",
    ]


def test_binding_rules_of_the_fixed_meeting(published):
    """BG-2026-01 is fixed (line 30), prepared by AG-2026-01; a fixed date has no other days."""
    found = explained(published, "BG-2026-01")
    kinds = {rule.kind: str(rule) for rule in found.rules}
    assert kinds["fixed"] == (
        "BG möts torsdag 2026-03-26 kl. 09.00: ett fast datum (Beslut om budget) [explain.yaml:30]"
    )
    assert kinds["chain"].startswith("bereds av AG-2026-01 (onsdag 2026-03-11, 15 dagar före)")
    assert found.alternatives == ()


def test_alternative_days_with_their_cost(published):
    """Tue 3 March costs +5 (spread +1, lead +1, rhythm -1) and Wed 4 March +7, moving nothing
    else; the other days say which rule forbids them."""
    found = explained(published, "AG-2026-01")
    assert found.objective == 6
    by_day = {alt.day: alt for alt in found.alternatives}
    assert sorted(by_day) == [
        date(2026, 2, 25), date(2026, 3, 3), date(2026, 3, 4), date(2026, 3, 10),
        date(2026, 3, 17), date(2026, 3, 18), date(2026, 3, 25),
    ]  # fmt: skip
    tuesday = by_day[date(2026, 3, 3)]
    assert (tuesday.verdict, tuesday.cost, tuesday.moves) == ("possible", 5, ())
    assert tuesday.change == {
        "spread": 1, "lead": 1, "rhythm": -1, "avoid": 0, "person_week": 0, "person_day": 0,
    }  # fmt: skip
    assert by_day[date(2026, 3, 4)].cost == 7
    away = by_day[date(2026, 3, 10)]
    assert away.verdict == "impossible"
    assert [str(r) for r in away.forbidden] == [
        "Ordförande AG (ordförande) kan inte komma kl. 09.00: Kommunfullmäktige [explain.yaml:17]"
    ]
    assert [str(r) for r in by_day[date(2026, 2, 25)].forbidden] == [
        "onsdag 2026-02-25 ligger i uppehållet ”Före”: inga möten då [explain.yaml:8]"
    ]
    assert by_day[date(2026, 3, 17)].why == "vanlig veckodag, veckan efter"  # Tuesday
    assert by_day[date(2026, 3, 18)].why == "en vecka senare"
    late = by_day[date(2026, 3, 17)]
    assert late.verdict == "impossible" and "lösaren bevisade det" in late.note
    assert [r.where for r in late.forbidden] == ["explain.yaml:39", "explain.yaml:41"]
    assert "the AG meeting by 2026-03-16" in late.forbidden[0].text


def test_a_move_the_coordinator_asked_for(published, tmp_path):
    """After cadence move AG-2026-01 to Tue 3 March, explain says who moved it and what the last
    re-plan did; Wed 4 March differs only in the weekday: rhythm +1, objective +2."""
    _, folder = published
    out = tmp_path / "out"
    shutil.copytree(folder, out)
    scenario = DATA / "explain.yaml"
    args = ["move", "AG-2026-01", "2026-03-03", str(scenario), "--out", str(out)]
    result = CliRunner().invoke(main, [*args, "--time-limit", "2", "--as-of", "2026-01-01"])
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(
        main, ["explain", "AG-2026-01", str(scenario), "--out", str(out), "--time-limit", "2"]
    )
    assert result.exit_code == 0, result.output
    assert (
        "AG-2026-01: AG (Arbetsgrupp), tisdag 2026-03-03 kl. 09.00–11.00, vecka 10" in result.output
    )
    assert (
        "samordnaren flyttade det till tisdag 2026-03-03 kl. 09.00 (cadence move); varje senare "
        "omplanering behåller det där" in result.output
    )
    assert (
        "senaste omplaneringen flyttade det från onsdag 2026-03-11 kl. 09.00 till tisdag "
        "2026-03-03 kl. 09.00: ”flyttat av samordnaren (cadence move)”" in result.output
    )
    assert "har ändrats 1 gång sedan den först publicerades (SEQUENCE 1)" in result.output
    assert "onsdag 2026-03-04 09:00  samma vecka: målvärde +2 (rhythm +1)" in result.output


def test_same_input_same_bytes(published):
    """Two runs print the same explanation (deterministic limits, no clock)."""
    _, folder = published
    args = ["explain", "AG-2026-01", str(DATA / "explain.yaml"), "--out", str(folder)]
    first = CliRunner().invoke(main, [*args, "--time-limit", "2"])
    second = CliRunner().invoke(main, [*args, "--time-limit", "2"])
    assert first.exit_code == 0 and first.output == second.output


def test_unknown_meeting_is_bad_input(published):
    """An id the published plan does not have: exit 2, naming it and the ids it has."""
    _, folder = published
    args = ["explain", "AG-2026-09", str(DATA / "explain.yaml"), "--out", str(folder)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert "no meeting 'AG-2026-09' in the published plan (AG-2026-01, BG-2026-01" in (
        result.output
    )


def test_no_published_plan_is_bad_input(tmp_path):
    """A folder without plan.json: exit 2, saying to plan first."""
    args = ["explain", "AG-2026-01", str(DATA / "explain.yaml"), "--out", str(tmp_path)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2 and "no published plan (plan.json)" in result.output


def test_damaged_change_report_is_bad_input(published, tmp_path):
    """andringar.csv is input too: a row with an unknown change is refused with its line."""
    _, folder = published
    out = tmp_path / "out"
    shutil.copytree(folder, out)
    (out / "andringar.csv").write_text(
        "ändring,möte,grupp,från,till,orsak,berörda grupper,berörda personer,punkt\n"
        "flyttat,AG-2026-01,AG,onsdag 2026-03-11 09.00,tisdag 2026-03-03 09.00,x,AG,,\n"
        "rivet,AG-2026-01,AG,,,x,AG,,\n",
        encoding="utf-8",
    )
    args = ["explain", "AG-2026-01", str(DATA / "explain.yaml"), "--out", str(out)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert "andringar.csv:3: unknown change 'rivet'" in result.output


def test_sormland_meeting(tmp_path):
    """On the published Sörmland 2026 plan, BGD-2026-04 (Wed 12 August) names the LSG meeting it
    prepares (its feed, line 308) and the summer break, and the other days with their cost. By
    hand: Mon 10 August is one of the two restart days after the break (avoid weight 4, line
    50) and not BGD's usual Wednesday (rhythm 1), and its lead to LSG on 11 September, 32 days,
    costs what 30 did (one unit beyond 21 + 6): 5 × 4 + 2 × 1 = +22; nothing else moves."""
    shutil.copy(DATA / "sormland-2026.plan.json", tmp_path / "plan.json")
    scenario = ROOT / "scenarios/sormland-2026.yaml"
    args = ["explain", "BGD-2026-04", str(scenario), "--out", str(tmp_path), "--time-limit", "2"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    out = result.output
    assert (
        "BGD-2026-04: BGD (Beredningsgrupp digitalisering), onsdag 2026-08-12 kl. 09.00–11.00"
        in out
    )
    assert (
        "chain     bereder LSG-2026-05 (fredag 2026-09-11, 30 dagar senare): BGD ska mötas 8–70 "
        "dagar före det och senast tisdag 2026-09-01, 2 arbetsdagar före LSG:s kallelse fredag "
        "2026-09-04 [sormland-2026.yaml:308]"
    ) in out
    assert "uppehållet ”Sommaruppehåll” slutar söndag 2026-08-09, 3 dagar före" in out
    assert "måndag 2026-08-10 09:00  samma vecka: målvärde +22 (rhythm +1, avoid +4)\n" in out
    assert "onsdag 2026-08-05 ligger i uppehållet ”Sommaruppehåll”" in out
