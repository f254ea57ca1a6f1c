"""Every run bounded: phases recorded, the wall-clock ceiling stops a run that would go past
it (with its best plan, or a message when there is none), and a five-year run ends in time."""

import time

import pytest
from conftest import DATA, ROOT

from cadence import loader, solver
from cadence.budget import Clock, OverBudget, wall_ceiling
from cadence.planning import make_plan
from cadence.verify import check


class Jump:
    """A clock that stands still until the search starts, then jumps an hour ahead."""

    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now

    def heard(self, phase):
        if phase == "search":
            self.now += 3600.0


@pytest.fixture(scope="module")
def five_years(tmp_path_factory):
    """Sörmland 2027 stretched to five years, 2027–2031 (the longest period cadence plans)."""
    text = (ROOT / "scenarios" / "sormland-2027.yaml").read_text(encoding="utf-8")
    assert "\n  end: 2027-12-31\n" in text
    path = tmp_path_factory.mktemp("five") / "sormland-2027-2031.yaml"
    path.write_text(text.replace("\n  end: 2027-12-31\n", "\n  end: 2031-12-31\n"), "utf-8")
    return loader.load(path).scenario


def test_ceiling_is_per_unit_plus_grace():
    """15 wall seconds per deterministic second plus 45: 90 s at the default budget of 3."""
    assert wall_ceiling(3) == 90
    assert wall_ceiling(1) == 60


def test_phases_are_heard_in_order():
    """The progress line hears each phase of a fresh plan as it starts."""
    scenario = loader.load(DATA / "tiny.yaml").scenario
    heard = []
    clock = Clock(5, listener=heard.append)
    outcome = make_plan(scenario, "tiny", solver.Settings(time_limit=5, clock=clock))
    clock.done()
    assert heard == ["instance", "model", "first plan", "search", "plan"]
    assert [name for name, _ in clock.phases] == heard
    assert check(scenario, outcome.plan) == []
    assert not clock.cut


def test_no_plan_before_the_ceiling_is_a_clear_message(five_years):
    """Past the ceiling before any plan exists: exit 1 naming the phase and the ceiling."""
    clock = Clock(2, ceiling=0.0)
    with pytest.raises(OverBudget) as raised:
        make_plan(five_years, "five", solver.Settings(time_limit=2, clock=clock))
    assert raised.value.exit_code == 1
    assert str(raised.value).startswith(
        "stopped before instance: 0 s have passed, over the wall-clock ceiling of 0 s for "
        "--time-limit 2 (15 s per unit plus 45 s), and no plan was found yet"
    )


def test_ceiling_during_the_search_keeps_the_best_plan(five_years):
    """A ceiling reached after the first plan: the search stops at once and the run keeps the
    best plan so far, which keeps every rule; the clock says the search was cut."""
    jump = Jump()
    clock = Clock(2, listener=jump.heard, now=jump)
    outcome = make_plan(five_years, "five", solver.Settings(time_limit=2, clock=clock))
    assert outcome.result.has_plan
    assert outcome.violations == ()
    assert clock.cut
    assert len(outcome.plan.meetings) == 5 * 111


def test_five_years_end_within_the_budget(five_years):
    """Five years of Sörmland at --time-limit 1 end (plan made and checked) within the ceiling
    and a few seconds for rendering: the run never goes past its budget."""
    began = time.monotonic()
    clock = Clock(1)
    outcome = make_plan(five_years, "five", solver.Settings(time_limit=1, clock=clock))
    clock.done()
    elapsed = time.monotonic() - began
    assert outcome.result.has_plan and outcome.violations == ()
    assert elapsed <= wall_ceiling(1) + 10, (elapsed, clock.summary())
