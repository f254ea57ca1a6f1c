"""The constructed first plan: round by round from the deciding body, checked by CP-SAT and the
verifier, and handed to the search."""

import math
from datetime import date
from pathlib import Path

import pytest

from cadence import instance, loader, solver
from cadence import plan as plans
from cadence.solver import construct
from cadence.verify import check
from tests.conftest import DATA

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))


def _built(path: Path):
    scenario = loader.load(path).scenario
    inst = instance.build(scenario)
    model, v, objective = solver.build_model(inst)
    return scenario, inst, model, v, objective


def test_order_is_backwards_along_the_chain():
    """NSV decides, so it comes first; each group after every group it prepares; the groups
    outside the chain by their stage (DIALOG and IFO, stage 0, before the beredningsgrupper)."""
    *_, inst, _, _, _ = _built(ROOT / "scenarios" / "sormland-2026.yaml")
    assert [g.id for g in construct.order(inst)] == [
        "NSV", "LSG", "DIALOG", "IFO", "BGÄ", "BGPF", "BGB", "SCN", "BGH", "BGD", "MASMAR",
        "AVÄ", "ANÄ", "ASÄ", "AVPF", "ANPF", "ASPF", "AVB", "ANB", "ASB",
    ]  # fmt: skip


def test_micro_days_are_the_ideal_days():
    """micro.yaml: BG meets twice (Thursdays), AG three times (Tuesdays) in March–April. Every
    meeting can be on its spread ideal day on its usual weekday, and the chain holds there: AG
    on 3, 17 and 31 March, BG on 19 March and 16 April (its fixed date)."""
    _, inst, _, v, _ = _built(DATA / "micro.yaml")
    placement = construct.construct(inst, v)
    assert placement is not None
    days = {g: [inst.day(d) for d, _ in placement[g]] for g in placement}
    assert days == {
        "BG": [date(2026, 3, 19), date(2026, 4, 16)],
        "AG": [date(2026, 3, 3), date(2026, 3, 17), date(2026, 3, 31)],
    }


def test_feeder_gaps_keep_the_next_round_possible():
    """Sörmland 2026: Socialchefsnätverket meets as often as Länsstyrgruppen (one meeting per
    round, at most 90 days apart, 42 days before at most). LSG on 22 May and then 20 August
    (after the summer break) would leave it no pair of days: before 22 May's notice and at
    least 20 August minus 42 days are more than 90 days apart. From 29 May it fits."""
    *_, inst, _, v, _ = _built(ROOT / "scenarios" / "sormland-2026.yaml")
    (scn,) = [f for f in construct._feeders(inst, v, inst.group("LSG")) if f.link.source == "SCN"]
    may_22, may_29, aug_20 = (inst.index(date(2026, m, d)) for m, d in ((5, 22), (5, 29), (8, 20)))
    reach = scn.reach([may_22, may_29, aug_20])
    assert not scn.allows(reach[may_22], reach[aug_20])
    assert scn.allows(reach[may_29], reach[aug_20])


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_constructed_plan_holds_every_rule(path):
    """On every scenario the constructed plan is complete: CP-SAT accepts it with its days
    fixed, and the verifier, which knows nothing of the solver, finds no broken rule."""
    scenario, inst, model, v, objective = _built(path)
    first = solver._constructed(inst, model, v, objective, solver.Settings(time_limit=5))
    assert first is not None and first.found is not None
    assert model.proto.has_solution_hint()
    plan = plans.build(inst, first.found.meetings, first.found.carriers, path.stem)
    assert check(scenario, plan) == []
    # Its goals as the plan counts them are the ones CP-SAT counted.
    assert plan.goal_values(inst) == first.found.goal_values


def test_progress_hears_of_the_constructed_plan_first():
    """Before CP-SAT's search starts, the progress line shows the constructed plan: on
    micro.yaml the days above, whose only cost is two lead units of weight 3: the link's
    preferred lead is 9 days, free up to 15, and AG's meetings on 3 and 31 March prepare BG's
    on 19 March and 16 April 16 days ahead (17 March is too close to 19 March). It is heard
    before the decomposition runs (no bound yet), then with the decomposition's bound, 6 as
    well (cadence.solver.lagrange), before the search."""
    scenario = loader.load(DATA / "micro.yaml").scenario
    heard: list[tuple[float, float]] = []
    result = solver.solve(
        instance.build(scenario), solver.Settings(time_limit=2),
        progress=lambda _elapsed, objective, bound: heard.append((objective, bound)),
    )  # fmt: skip
    assert heard[:2] == [(6, -math.inf), (6, 6)]
    assert result.status == "optimal" and result.objective == 6
    plan = plans.from_result(instance.build(scenario), result, "micro")
    assert check(scenario, plan) == []


def test_an_item_no_day_can_carry_gives_no_construction_and_a_clean_refusal(tmp_path):
    """tiny.yaml covers January–June; an autumn item due before the April decision has no day
    at all. The construction steps aside (no suggestion), and `cadence plan` says which rule
    cannot hold, with its line, exit 1 (it used to end in a traceback)."""
    from click.testing import CliRunner

    from cadence.cli import main

    text = (DATA / "tiny.yaml").read_text(encoding="utf-8") + (
        '  - {id: host, title: Höstärende, groups: [AGB], window_from: "10-01", '
        'window_to: "10-31", before: {item: beslut, min_days: 9, max_days: 30}}\n'
    )
    path = tmp_path / "autumn.yaml"
    path.write_text(text, encoding="utf-8")
    _, inst, _, v, _ = _built(path)
    assert [due.days for due in inst.dues if due.item == "host"] == [()]
    assert construct.construct(inst, v) is None
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["plan", str(path), "--out", str(out), "--time-limit", "2"])
    assert result.exit_code == 1, result.output
    assert (
        "Höstärende must reach AGB 9–30 days before the BG meeting that has Handlingsplan – "
        "beslut (autumn.yaml:59)" in result.output
    )
    assert not out.exists()


def test_a_first_plan_the_bound_proves_is_optimal():
    """warn-chairs.yaml has a plan that costs nothing. With a budget too small for the search
    to report anything, the constructed plan is the answer, and a bound of 0 proves it: the
    status says optimal, not feasible."""
    scenario = loader.load(DATA / "warn-chairs.yaml").scenario
    inst = instance.build(scenario)
    result = solver.solve(inst, solver.Settings(time_limit=0.05))
    assert (result.status, result.objective, result.bound) == ("optimal", 0, 0)
    assert check(scenario, plans.from_result(inst, result, "warn-chairs")) == []
