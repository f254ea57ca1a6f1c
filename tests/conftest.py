from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).parent.parent
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))


@pytest.fixture
def data() -> Path:
    return DATA


@pytest.fixture(scope="session")
def tiny_published(tmp_path_factory):
    """The tiny scenario solved, checked and published into a folder: (scenario, plan, folder)."""
    from cadence import loader, solver
    from cadence.export import publish
    from cadence.output import write_folder
    from cadence.planning import make_plan
    from cadence.verify import check

    scenario = loader.load(DATA / "tiny.yaml").scenario
    outcome = make_plan(scenario, "tiny", solver.Settings(time_limit=5))
    assert check(scenario, outcome.plan) == []
    folder = tmp_path_factory.mktemp("tiny-out")
    write_folder(folder, publish(scenario, outcome.plan))
    return scenario, outcome.plan, folder


@pytest.fixture(scope="module")
def micro():
    """micro.yaml: one arbetsgrupp preparing one beredningsgrupp, March–April 2026."""
    from cadence import loader

    return loader.load(DATA / "micro.yaml").scenario


@pytest.fixture(scope="module")
def first(micro):
    """micro.yaml planned afresh (no published state), proven optimal and without violations."""
    from cadence import solver
    from cadence.replan import run

    done = run(micro, "micro", None, solver.Settings(time_limit=5), None)
    assert done.result.status == "optimal" and done.violations == ()
    return done
