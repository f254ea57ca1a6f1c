"""Rules that cannot all hold: the clashing rules named with their lines, and a change of one
line that makes a plan possible, applied to the file and planned again.

Each impossible scenario is a small file under tests/data/clash-*.yaml; the expected rules,
lines and changes are written here by hand (worked out from the files, not by the code).
"""

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from ortools.sat.python import cp_model

from cadence import clash, loader, solver
from cadence.cli import main
from cadence.planning import explained
from tests.conftest import DATA

BUDGET = "3"


def cli(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def clashing(stderr: str) -> list[str]:
    """The rules the message names, one per line."""
    return [line[4:] for line in stderr.splitlines() if line.startswith("  - ")]


def changes(stderr: str) -> list[str]:
    """The changes the message proposes, in order."""
    return [m.group(1) for m in re.finditer(r"^  \d\. (.*)$", stderr, re.MULTILINE)]


def apply(text: str, change: str) -> str:
    """Apply ``line N: `old` → `new` (…)`` to the file's text, as a coordinator would."""
    found = re.match(r"line (\d+): `(.*)` → `(.*)` \(", change)
    assert found, change
    number, old, new = int(found.group(1)), found.group(2), found.group(3)
    lines = text.split("\n")
    assert lines[number - 1].count(old) == 1, (lines[number - 1], old)
    lines[number - 1] = lines[number - 1].replace(old, new)
    return "\n".join(lines)


def impossible_then_fixed(name: str, tmp_path: Path) -> tuple[list[str], list[str]]:
    """Plan ``name`` (exit 1, nothing written), apply the first change proposed, plan again
    (exit 0) and check the plan with the verifier (`cadence check`)."""
    refused = refused_plan(name, tmp_path, 1)
    return fixed_by_the_first_change(name, refused.stderr, tmp_path)


def refused_then_explained(name: str, tmp_path: Path) -> tuple[list[str], list[str]]:
    """For a scenario ``cadence validate`` already refuses (exit 1 from ``cadence plan``,
    nothing written; its messages: tests/test_validate_cheap.py): the solver's explanation, as
    a re-plan would print it, and its first change applied, planned and checked."""
    refused_plan(name, tmp_path, 1)
    loaded = loader.load(DATA / name)
    where = clash.Where(loaded.locations, name)
    settings = solver.Settings(time_limit=float(BUDGET))
    text = str(explained(clash.Problem(loaded.scenario), settings, where))
    return fixed_by_the_first_change(name, text, tmp_path)


def refused_plan(name: str, tmp_path: Path, code: int):
    """``cadence plan name`` exits with ``code`` and writes nothing."""
    out = tmp_path / "out"
    refused = cli("plan", str(DATA / name), "--out", str(out), "--time-limit", BUDGET)
    assert refused.exit_code == code, refused.output
    assert not out.exists()
    return refused


def fixed_by_the_first_change(
    name: str, explanation: str, tmp_path: Path
) -> tuple[list[str], list[str]]:
    """The rules and changes ``explanation`` names; the first change, applied to the file,
    makes a plan (exit 0) that the verifier (`cadence check`) passes."""
    rules, proposed = clashing(explanation), changes(explanation)
    assert proposed, explanation
    fixed = tmp_path / name
    text = (DATA / name).read_text(encoding="utf-8")
    fixed.write_text(apply(text, proposed[0]), encoding="utf-8")
    out = tmp_path / "out"
    planned = cli("plan", str(fixed), "--out", str(out), "--time-limit", BUDGET)
    assert planned.exit_code == 0, planned.output
    checked = cli("check", str(fixed), "--plan", str(out / "plan.csv"))
    assert checked.exit_code == 0, checked.output
    return rules, proposed


def test_decided_date_too_early_for_the_chain(tmp_path: Path):
    """BG decided on 9 January, which no AG meeting can prepare 8 days ahead: the lead window
    and the date clash; moving the date to Monday 12 January makes a plan."""
    rules, proposed = refused_then_explained("clash-fixed-early.yaml", tmp_path)
    assert rules == [
        "Each BG meeting needs a meeting of AG 8–42 days before it, before BG's kallelse "
        "(7 days ahead) (clash-fixed-early.yaml:27)",
        "BG meets on 2026-01-09 at 09:00 (a decided date) (clash-fixed-early.yaml:19)",
    ]
    assert proposed[0] == (
        "line 19: `date: 2026-01-09` → `date: 2026-01-12` "
        "(move BG's decided meeting to 2026-01-12 (måndag))"
    )


def test_chair_away_on_every_allowed_day(tmp_path: Path):
    """PSO meets only on Fridays and its chair is away every Friday: the count, the weekday
    rule and the chair's absence (with its reason) clash; Thursdays as well make a plan, and
    the absence ending or starting later would too (the second Friday 28 days on)."""
    rules, proposed = refused_then_explained("clash-chair-away.yaml", tmp_path)
    assert rules == [
        "PSO meets at least 2 times in 2027 (clash-chair-away.yaml:17)",
        "PSO meets only on Fridays (clash-chair-away.yaml:20)",
        "Ordförande PSO is away on Fridays 2027-01-01 – 2027-06-30: Föräldraledig fredagar "
        "(clash-chair-away.yaml:11)",
    ]
    assert proposed == [
        "line 20: `weekdays: [fri]` → `weekdays: [thu, fri]` (let PSO meet on Thursdays too)",
        "line 11: `start: 2027-01-01` → `start: 2027-02-06` "
        "(Ordförande PSO away only from 2027-02-06)",
        "line 11: `end: 2027-06-30` → `end: 2027-05-20` (Ordförande PSO away only until "
        "2027-05-20)",
    ]


def test_more_meetings_than_days(tmp_path: Path):
    """Six meetings a week apart, but the coordinator can only come in January (five weeks'
    worth): freeing the last day of March is the smallest change; or from Saturday 7 February
    (a sixth Friday, 6 February)."""
    rules, proposed = refused_then_explained("clash-too-many.yaml", tmp_path)
    assert rules == [
        "NAT's meetings are at least 7 days apart (clash-too-many.yaml:20)",
        "NAT meets at least 6 times in 2026 (clash-too-many.yaml:17)",
        "Närvårdskoordinator is away 2026-02-01 – 2026-03-31: Tjänstledig (clash-too-many.yaml:12)",
    ]
    assert proposed == [
        "line 12: `end: 2026-03-31` → `end: 2026-03-30` "
        "(Närvårdskoordinator away only until 2026-03-30)",
        "line 20: `min_days_between: 7` → `min_days_between: 4` "
        "(let NAT's meetings be 4 days apart)",
        "line 12: `start: 2026-02-01` → `start: 2026-02-07` "
        "(Närvårdskoordinator away only from 2026-02-07)",
        "line 17: `min: 6` → `min: 5` (let NAT meet once less in 2026)",
    ]


def test_chair_away_shared_by_two_groups(tmp_path: Path):
    """PSO and PR both meet only on Fridays at 09:00 with the same chair, who is away every
    Friday until 17 June: each group alone has 18 June (25 June is Midsommarafton), so
    ``cadence validate`` passes, but the chair cannot be at both. All six rules are needed; PR
    on Thursdays too makes a plan, and so does the absence ending on 10 June (11 June free) or
    starting on 9 January (8 January free)."""
    rules, proposed = impossible_then_fixed("clash-chair-two-groups.yaml", tmp_path)
    assert rules == [
        "Ordförande PSO cannot be at two meetings at once (clash-chair-two-groups.yaml:8)",
        "PR meets at least 1 times in 2027 (clash-chair-two-groups.yaml:26)",
        "PSO meets at least 1 times in 2027 (clash-chair-two-groups.yaml:18)",
        "PR meets only on Fridays (clash-chair-two-groups.yaml:28)",
        "PSO meets only on Fridays (clash-chair-two-groups.yaml:21)",
        "Ordförande PSO is away on Fridays 2027-01-01 – 2027-06-17: Föräldraledig fredagar "
        "(clash-chair-two-groups.yaml:12)",
    ]
    assert proposed[:4] == [
        "line 28: `weekdays: [fri]` → `weekdays: [thu, fri]` (let PR meet on Thursdays too)",
        "line 21: `weekdays: [fri]` → `weekdays: [thu, fri]` (let PSO meet on Thursdays too)",
        "line 12: `end: 2027-06-17` → `end: 2027-06-10` (Ordförande PSO away only until "
        "2027-06-10)",
        "line 12: `start: 2027-01-01` → `start: 2027-01-09` (Ordförande PSO away only from "
        "2027-01-09)",
    ]


def test_contradictory_windows(tmp_path: Path):
    """The beredning must come 8–14 days before the decision (on Thursday 5 March), but its
    window closes on 10 February: 23 days before is the smallest wider lead (Tuesday 10 Feb)."""
    rules, proposed = impossible_then_fixed("clash-windows.yaml", tmp_path)
    assert rules == [
        "Handlingsplan – beredning must reach AG 8–14 days before the BG meeting that has "
        "Handlingsplan – beslut (clash-windows.yaml:31)",
        "Handlingsplan – beslut must reach BG between 2026-03-02 and 2026-03-06 "
        "(clash-windows.yaml:26)",
    ]
    assert proposed[0] == (
        "line 31: `max_days: 14` → `max_days: 23` "
        "(let Handlingsplan – beredning come up to 23 days before)"
    )
    assert "line 30: `window_to: 2026-02-10` → `window_to: 2026-02-24`" in proposed[2]


def test_item_no_meeting_can_carry(tmp_path: Path):
    """The budget's window is Monday–Wednesday and BG meets on Thursdays: one day more of
    window (Thursday 7 May) is the smallest change."""
    rules, proposed = impossible_then_fixed("clash-item.yaml", tmp_path)
    assert rules == [
        "Budget must reach BG between 2026-05-04 and 2026-05-06 (clash-item.yaml:17)",
        "BG meets only on Thursdays (clash-item.yaml:14)",
    ]
    assert proposed[0] == (
        "line 17: `window_to: 2026-05-06` → `window_to: 2026-05-07` (let Budget come by 2026-05-07)"
    )
    assert proposed[2] == (
        "line 14: `weekdays: [thu]` → `weekdays: [wed, thu]` (let BG meet on Wednesdays too)"
    )


@pytest.mark.parametrize("name", ["clash-chair-away.yaml", "clash-too-many.yaml"])
def test_the_clash_is_minimal(name: str):
    """Every rule named is needed: all of them assumed have no plan, and without any one of
    them the others have one (solved here on the explanation model, apart from the filter)."""
    scenario = loader.load(DATA / name).scenario
    problem = clash.Problem(scenario)
    found = clash.explain(problem, 5.0, relax=False)
    assert found is not None and found.minimal and len(found.rules) == 3
    model, literals = solver.explanation_model(problem.instance(explain=True))
    keys = [rule.key for rule in found.rules]
    for leave_out in [None, *keys]:
        model.clear_assumptions()
        model.add_assumptions([literals[k] for k in keys if k != leave_out])
        cp = cp_model.CpSolver()
        cp.parameters.num_workers = 1
        cp.parameters.max_deterministic_time = 5
        status = cp.solve(model)
        expected = cp_model.INFEASIBLE if leave_out is None else cp_model.OPTIMAL
        assert status == expected, leave_out


def test_same_explanation_every_time(tmp_path: Path):
    """Same input, same bytes: the explanation comes from deterministic solves."""
    args = ["plan", str(DATA / "clash-item.yaml"), "--out", str(tmp_path), "--time-limit", "3"]
    assert cli(*args).stderr == cli(*args).stderr


def test_refused_move_names_the_rules_and_another_day(tmp_path: Path):
    """Moving BG's first meeting to 5 March is refused: its kallelse would go out in the
    break before March, so its AG meeting cannot be in time. The message names the lead window
    and the request, and the nearest day that works (12 March); nothing is written."""
    out = tmp_path / "out"
    source = str(DATA / "micro.yaml")
    args = ["--out", str(out), "--as-of", "2026-01-01", "--time-limit", BUDGET]
    assert cli("plan", source, *args).exit_code == 0
    before = (out / "plan.json").read_bytes()
    refused = cli("move", "BG-2026-01", "2026-03-05", source, *args)
    assert refused.exit_code == 1
    assert "error: refused, nothing changed: the rules cannot all hold" in refused.stderr
    assert clashing(refused.stderr) == [
        "Each BG meeting needs a meeting of AG 9–16 days before it, before BG's kallelse "
        "(7 days ahead) (micro.yaml:31)",
        "BG meets on 2026-03-05, as the command asks (command line)",
    ]
    assert changes(refused.stderr)[0] == "ask for 2026-03-12 (torsdag) instead"
    assert (out / "plan.json").read_bytes() == before
    moved = cli("move", "BG-2026-01", "2026-03-12", source, *args)
    assert moved.exit_code == 0, moved.output
