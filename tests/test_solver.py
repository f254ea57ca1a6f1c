"""The solver: plans that hold every rule (checked by the verifier), optimality, determinism."""

from dataclasses import replace
from datetime import date, time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cadence import instance, loader, solver
from cadence import plan as plans
from cadence.errors import InfeasibleError
from cadence.export.table import plan_csv
from cadence.planning import make_plan
from cadence.scenario import (
    Count,
    Feed,
    Group,
    LeadWindow,
    Organisation,
    Period,
    Person,
    Scenario,
    Unavailability,
)
from cadence.verify import check
from tests.conftest import DATA

FAST = solver.Settings(time_limit=5)


@pytest.fixture(scope="module")
def tiny():
    return loader.load(DATA / "tiny.yaml").scenario


@pytest.fixture(scope="module")
def tiny_outcome(tiny):
    return make_plan(tiny, "tiny", FAST)


def test_tiny_plan_is_optimal_and_holds(tiny, tiny_outcome):
    """The tiny scenario solves to proven optimality and the verifier finds nothing."""
    assert tiny_outcome.result.status == "optimal"
    assert check(tiny, tiny_outcome.plan) == []


def test_plan_objective_equals_solver_objective(tiny, tiny_outcome):
    """The plan computes its own objective from the scenario; at the optimum it is the solver's."""
    inst = instance.build(tiny)
    assert tiny_outcome.plan.goal_values(inst) == tiny_outcome.result.goal_values
    assert tiny_outcome.plan.objective(inst) == tiny_outcome.result.objective


def test_fixed_meeting_and_items(tiny, tiny_outcome):
    """The fixed BG meeting is at 13:00 on 16 April and carries the decision; AGA prepares it."""
    fixed = next(m for m in tiny_outcome.plan.meetings if m.start.date() == date(2026, 4, 16))
    assert (fixed.group, fixed.start.time()) == ("BG", time(13))
    assert "beslut" in fixed.items
    (prepared,) = [m for m in tiny_outcome.plan.meetings if "beredning" in m.items]
    assert prepared.group == "AGA"
    assert 8 <= (fixed.start.date() - prepared.start.date()).days <= 42
    assert check(tiny, tiny_outcome.plan) == []


def test_unavailable_weekday_avoided(tiny, tiny_outcome):
    """The coordinator is off on Mondays, so no arbetsgrupp meets on a Monday."""
    ag_days = [m.start.date() for m in tiny_outcome.plan.meetings if m.group.startswith("AG")]
    assert ag_days and all(d.weekday() != 0 for d in ag_days)
    assert check(tiny, tiny_outcome.plan) == []


def test_same_input_same_plan(tiny, tiny_outcome):
    """Two solves of the same scenario give byte-identical plan.csv."""
    again = make_plan(tiny, "tiny", FAST)
    assert plan_csv(again.plan) == plan_csv(tiny_outcome.plan)
    assert check(tiny, again.plan) == []


def test_small_scenario_plan_holds():
    """The small year-long scenario gets a plan that the verifier accepts."""
    scenario = loader.load(DATA / "small.yaml").scenario
    outcome = make_plan(scenario, "small", FAST)
    assert outcome.result.has_plan
    assert check(scenario, outcome.plan) == []
    assert {g: len(ms) for g, ms in outcome.plan.by_group().items()}["SG"] == 4


def test_fixed_date_with_unavailable_chair_is_explained(tiny):
    """A fixed meeting its chair cannot attend stops the plan with the reason in words."""
    chef = tiny.person("chef")
    away = replace(
        chef, unavailable=(Unavailability(dates=(date(2026, 4, 16),), reason="Semester"),)
    )
    scenario = replace(tiny, people=tuple(away if p.id == "chef" else p for p in tiny.people))
    with pytest.raises(
        InfeasibleError, match="BG 2026-04-16 13:00 is fixed, but Socialchef cannot attend"
    ):
        make_plan(scenario, "tiny", FAST)


def _chain_broken(tiny):
    """The tiny scenario with its beredningsgrupp fixed before any arbetsgrupp can meet."""
    bg = tiny.group("BG")
    early = replace(bg, fixed=(replace(bg.fixed[0], date=date(2026, 1, 8)),))
    return replace(
        tiny,
        groups=tuple(early if g.id == "BG" else g for g in tiny.groups),
        items=tuple(i for i in tiny.items if i.id == "arsberattelse"),
    )


def test_chain_that_cannot_hold_is_infeasible(tiny):
    """No plan (exit code 1 path), and the message names only the rules that clash: the
    beredningsgrupp's decided date and one arbetsgrupp's lead window before it (by key path:
    no file lines without the loader)."""
    with pytest.raises(InfeasibleError) as raised:
        make_plan(_chain_broken(tiny), "tiny", FAST)
    rules = [line for line in str(raised.value).splitlines() if line.startswith("  - ")]
    assert rules == [
        "  - Each BG meeting needs a meeting of AGA 8–42 days before it, before BG's kallelse "
        "(7 days ahead) (groups[1].feeds[0])",
        "  - BG meets on 2026-01-08 at 13:00 (a decided date) (groups[0].fixed[0])",
    ]
    assert "without any one of them the others could all hold" in str(raised.value)


def test_involved_groups_each_needed(tiny):
    """Each group named is needed: without it a plan exists (found by the full solver and
    accepted by the verifier), and the groups named alone have no plan."""
    scenario = _chain_broken(tiny)
    inst = instance.build(scenario)
    involved = solver.involved_groups(inst, 20.0)
    assert involved.fewest and 0 < len(involved.groups) < len(inst.groups)
    assert solver.solve(inst.only(involved.groups), FAST).status == "infeasible"
    for group_id in involved.groups:
        keep = set(involved.groups) - {group_id}
        rest = replace(
            scenario,
            groups=tuple(
                replace(g, feeds=tuple(f for f in g.feeds if f.to in keep))
                for g in scenario.groups
                if g.id in keep
            ),
        )
        outcome = make_plan(rest, "tiny", FAST)
        assert outcome.violations == ()


def test_only_keeps_rules_between_kept_groups(tiny):
    """A sub-instance keeps its groups' links and items; an item due before an item of a
    dropped group loses only that rule; keeping every group changes nothing."""
    inst = instance.build(tiny)
    assert inst.only(g.id for g in inst.groups) == inst
    arbetsgrupper = inst.only(["AGA", "AGB"])
    assert [g.id for g in arbetsgrupper.groups] == ["AGA", "AGB"]
    assert arbetsgrupper.links == ()
    beredning = [d for d in arbetsgrupper.dues if d.item == "beredning"]
    assert beredning and all(d.before is None for d in beredning)
    assert {d.group for d in arbetsgrupper.dues} == {"AGA", "AGB"}
    with_bg = inst.only(["BG", "AGA"])
    assert [(k.source, k.to) for k in with_bg.links] == [("AGA", "BG")]
    assert all(d.before is not None for d in with_bg.dues if d.item == "beredning")
    result = solver.solve(arbetsgrupper, FAST)
    assert result.status == "optimal" and set(result.meetings) == {"AGA", "AGB"}
    # Against the whole scenario the verifier finds only what concerns the missing BG: its own
    # meetings and the item due before BG's, the one rule the sub-instance left out.
    violations = check(tiny, plans.from_result(inst, result, "tiny"))
    assert {v.rule for v in violations} >= {"counts", "fixed"}
    for v in violations:
        about_bg = v.message.startswith("BG ") or " a BG meeting " in v.message
        assert about_bg or (v.rule == "items" and "beredning" in v.message)


# -- property: any plan the solver returns passes the verifier --------------------------------


def _scenario(n_groups: int, counts: list[int], leads: list[tuple[int, int]], busy: list[int]):
    people = tuple(Person(id=f"p{i}", name=f"Person {i}", organisation="RS") for i in range(3))
    groups = []
    for i in range(n_groups):
        feeds = ()
        if i + 1 < n_groups:
            low, span = leads[i]
            feeds = (Feed(to=f"G{i + 1}", lead_days=LeadWindow(min=8 + low, max=8 + low + span)),)
        groups.append(
            Group(
                id=f"G{i}",
                name=f"Grupp {i}",
                kind="arbetsgrupp" if i == 0 else "styrgrupp",
                meetings=Count(min=counts[i], max=counts[i]),
                members=(f"p{i % 3}", f"p{(i + 1) % 3}"),
                start_times=(time(9), time(13)),
                min_days_between=14,
                feeds=feeds,
            )
        )
    unavailable = tuple(
        Unavailability(weekdays=(("mon", "tue", "wed", "thu", "fri")[d],), reason="upptagen")
        for d in busy
    )
    people = (replace(people[0], unavailable=unavailable), *people[1:])
    return Scenario(
        name="Slumpad",
        period=Period(start=date(2026, 1, 1), end=date(2026, 3, 31)),
        groups=tuple(groups),
        organisations=(Organisation(id="RS", name="Region", kind="region"),),
        people=people,
    )


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    n_groups=st.integers(1, 3),
    counts=st.lists(st.integers(1, 8), min_size=3, max_size=3),
    leads=st.lists(st.tuples(st.integers(0, 10), st.integers(0, 30)), min_size=2, max_size=2),
    busy=st.lists(st.integers(0, 4), max_size=2, unique=True),
)
def test_any_returned_plan_passes_the_verifier(n_groups, counts, leads, busy):
    """Random small structures: whatever plan the solver returns, the verifier accepts it."""
    scenario = _scenario(n_groups, counts, leads, busy)
    try:
        outcome = make_plan(scenario, "random", solver.Settings(time_limit=2))
    except InfeasibleError:
        return  # no plan claimed, nothing to verify
    assert check(scenario, outcome.plan) == []
    for group in scenario.groups:
        n = sum(m.group == group.id for m in outcome.plan.meetings)
        # Counts are per year: a quarter of a year scales them (min down, max up).
        assert n in range(
            int(group.meetings.min * 90 / 365), -(-group.meetings.max * 90 // 365) + 1
        )


def test_as_of_holds_the_past(tiny, tiny_outcome):
    """Meetings before as_of stay as they were, even if a new unavailability now covers one."""
    from cadence.instance import Held

    as_of = date(2026, 4, 10)
    past = [m for m in tiny_outcome.plan.meetings if m.start.date() < as_of]
    held = [Held(m.group, m.start.date(), m.start.time()) for m in past]
    first_ag = min((m for m in past if m.group == "AGA"), key=lambda m: m.start)
    nvk = tiny.person("nvk")
    busy = Unavailability(dates=(first_ag.start.date(),), reason="Sjuk")
    scenario = replace(
        tiny,
        people=tuple(
            replace(p, unavailable=(*p.unavailable, busy)) if p.id == "nvk" else p
            for p in tiny.people
        ),
    )
    assert nvk.unavailable != scenario.person("nvk").unavailable
    outcome = make_plan(scenario, "tiny", FAST, held=held, as_of=as_of)
    kept = {(m.group, m.start) for m in outcome.plan.meetings if m.start.date() < as_of}
    assert kept == {(m.group, m.start) for m in past}
    assert check(scenario, outcome.plan, as_of) == []
    # Judged without as_of, the held meeting breaks the new rule: the verifier still sees it.
    assert any("Sjuk" in v.message for v in check(scenario, outcome.plan))
