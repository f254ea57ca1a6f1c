"""The political term in one plan (Sörmland 2027–2030) and the rolling horizon: a published
year extended by `cadence plan` on the longer scenario keeps what was published."""

import json
from dataclasses import replace
from datetime import timedelta

import pytest
from click.testing import CliRunner
from conftest import ROOT

from cadence import loader, solver
from cadence.cli import main
from cadence.planning import make_plan
from cadence.verify import check

TERM = ROOT / "scenarios" / "sormland-2027-2030.yaml"


@pytest.fixture(scope="module")
def term():
    """Sörmland 2027–2030 planned at the default budget: (scenario, plan)."""
    scenario = loader.load(TERM).scenario
    outcome = make_plan(scenario, "sormland-2027-2030", solver.Settings())
    assert outcome.result.has_plan
    return scenario, outcome.plan


def _of(plan, group, year=None):
    return [m for m in plan.meetings if m.group == group and (year is None or m.start.year == year)]


def test_term_keeps_every_rule_over_four_years(term):
    """Every rule holds over the four years, each count per calendar year."""
    scenario, plan = term
    assert check(scenario, plan) == []
    for year in (2027, 2028, 2029, 2030):
        assert len(_of(plan, "NSV", year)) == 5
        assert len(_of(plan, "AVÄ", year)) == 6
        assert len(_of(plan, "DIALOG", year)) == 1
    assert len(plan.meetings) == 4 * 111


def test_term_chairs_change_by_term(term):
    """The arbetsgrupp chair alternates every two years; beredningsgrupper go back in 2029."""
    _, plan = term
    assert {m.chair for m in _of(plan, "AVÄ", 2027)} == {"ordf-ava"}
    assert {m.chair for m in _of(plan, "AVÄ", 2028) + _of(plan, "AVÄ", 2029)} == {"rep-ava"}
    assert {m.chair for m in _of(plan, "AVÄ", 2030)} == {"ordf-ava"}
    assert {m.chair for m in _of(plan, "BGÄ", 2028)} == {"div-narsjukvard"}
    assert {m.chair for m in _of(plan, "BGÄ", 2029)} == {"sc-kat"}


def test_term_rules_hold_across_new_year(term):
    """The gaps and the chain hold from December to January: each year's first BGÄ meeting is
    prepared by an AVÄ meeting before it (in the same window, whichever year it lies in), and
    AVÄ's days between meetings count across New Year."""
    _, plan = term
    by_id = {m.id: m for m in plan.meetings}
    for year in (2028, 2029, 2030):
        first = _of(plan, "BGÄ", year)[0]
        (prepared,) = [by_id[i] for i in first.prepared_by if by_id[i].group == "AVÄ"]
        assert 8 <= (first.start - prepared.start).days <= 42
        assert prepared.start.date() < first.notice
        last_year, this_year = _of(plan, "AVÄ", year - 1)[-1], _of(plan, "AVÄ", year)[0]
        assert 28 <= (this_year.start - last_year.start).days <= 100


def test_a_gap_across_new_year_is_a_violation(term):
    """Moving AVÄ's first 2028 meeting 101 days after its last 2027 meeting breaks the rule
    "at most 100 days between meetings" across the year boundary."""
    scenario, plan = term
    last, first = _of(plan, "AVÄ", 2027)[-1], _of(plan, "AVÄ", 2028)[0]
    shift = last.start + timedelta(days=101) - first.start
    moved = replace(first, start=first.start + shift, end=first.end + shift)
    broken = replace(plan, meetings=tuple(moved if m is first else m for m in plan.meetings))
    messages = [v.message for v in check(scenario, broken)]
    assert (
        f"AVÄ meets {last.start.date()} and then not until {moved.start.date()}, 101 days later "
        "(at most 100)"
    ) in messages


def _with_end(end: str) -> str:
    text = TERM.read_text(encoding="utf-8")
    assert "\n  end: 2030-12-31\n" in text
    return text.replace("\n  end: 2030-12-31\n", f"\n  end: {end}\n")


def _plan(scenario, out, *extra):
    return CliRunner().invoke(
        main,
        ["plan", str(scenario), "--out", str(out), "--as-of", "2026-12-01", *extra],
    )


@pytest.fixture(scope="module")
def published_2027(tmp_path_factory):
    """2027 of the term published with `cadence plan`: (folder, scenario path, records)."""
    folder = tmp_path_factory.mktemp("rolling")
    scenario = folder / "sormland-2027-2030.yaml"  # the same file, its period ending in 2027
    scenario.write_text(_with_end("2027-12-31"), encoding="utf-8")
    done = _plan(scenario, folder / "out", "--time-limit", "1")
    assert done.exit_code == 0, done.output
    records = json.loads((folder / "out" / "plan.json").read_text())["meetings"]
    assert len(records) == 111
    return folder, scenario, records


def _records(folder):
    return {r["id"]: r for r in json.loads((folder / "plan.json").read_text())["meetings"]}


def test_rolling_horizon_keeps_what_was_published(published_2027, tmp_path):
    """Extending the published 2027 to 2029 moves no published meeting (proven fewest): each
    keeps its day, time, UID and SEQUENCE; 2028 and 2029 are added, and every rule holds."""
    folder, scenario, before = published_2027
    out = tmp_path / "out"
    import shutil

    shutil.copytree(folder / "out", out)
    scenario.write_text(_with_end("2029-12-31"), encoding="utf-8")
    done = _plan(scenario, out, "--time-limit", "1")
    assert done.exit_code == 0, done.output
    assert "moved: 0 published meeting(s) and 0 agenda item(s) (proven fewest" in done.output
    after = _records(out)
    assert len(after) == 3 * 111
    for record in before:
        kept = after[record["id"]]
        assert (kept["start"], kept["uid"], kept["sequence"]) == (
            record["start"], record["uid"], record["sequence"],
        )  # fmt: skip
    checked = CliRunner().invoke(main, ["check", str(scenario), "--plan", str(out / "plan.csv")])
    assert checked.exit_code == 0, checked.output
    report = (out / "andringar.md").read_text(encoding="utf-8")
    assert "nytt möte: planen omfattar nu också 2028" in report
    assert "nytt möte: planen omfattar nu också 2029" in report
    assert "scenariot kräver fler möten" not in report  # no added year reads as a rule change


def test_rolling_horizon_moves_only_what_must_move(published_2027, tmp_path):
    """When the longer scenario makes a published day impossible (the AVÄ chair away that
    day), that meeting moves; the published meetings the change does not touch stay."""
    folder, scenario, before = published_2027
    out = tmp_path / "out"
    import shutil

    shutil.copytree(folder / "out", out)
    target = next(r for r in before if r["id"] == "AVÄ-2027-03")
    day = target["start"][:10]
    text = _with_end("2029-12-31").replace(
        "  - {id: ordf-ava, name: Ordförande AVÄ 2026–2027 och 2030–2031, organisation: KAT}",
        "  - id: ordf-ava\n    name: Ordförande AVÄ 2026–2027 och 2030–2031\n"
        f"    organisation: KAT\n    unavailable: [{{dates: [{day}], reason: Konferens}}]",
    )
    assert f"dates: [{day}]" in text
    scenario.write_text(text, encoding="utf-8")
    done = _plan(scenario, out, "--time-limit", "1")
    assert done.exit_code == 0, done.output
    after = _records(out)
    assert after["AVÄ-2027-03"]["start"][:10] != day
    stayed = [r for r in before if after[r["id"]]["start"] == r["start"]]
    assert len(stayed) >= len(before) - 3
    assert "proven fewest" in done.output
