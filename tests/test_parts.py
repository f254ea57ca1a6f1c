"""Independent parts: groups that share no people, no feeds and no item links are planned
apart and joined."""

from conftest import DATA

from cadence import instance, loader, parts, solver
from cadence.planning import make_plan

TWO = DATA / "two-counties.yaml"


def _instance(text=None, tmp_path=None):
    if text is None:
        return instance.build(loader.load(TWO).scenario)
    path = tmp_path / "two-counties.yaml"
    path.write_text(text, encoding="utf-8")
    return instance.build(loader.load(path).scenario)


def test_parts_are_found_in_the_files_order():
    """Two counties and a lone network: three parts, each in the file's order."""
    assert parts.parts(_instance()) == [("BGA", "AGA"), ("BGB", "AGB"), ("MASN",)]


def test_a_shared_person_joins_two_parts(tmp_path):
    """Socialchef B sitting in Beredningsgrupp A too joins the two counties into one part."""
    text = TWO.read_text(encoding="utf-8").replace("    members: [ordf-a]\n",
                                                   "    members: [ordf-a, chef-b]\n")  # fmt: skip
    assert parts.parts(_instance(text, tmp_path)) == [("BGA", "BGB", "AGA", "AGB"), ("MASN",)]


def test_a_feed_joins_two_parts(tmp_path):
    """Arbetsgrupp B preparing Beredningsgrupp A as well joins the counties."""
    text = TWO.read_text(encoding="utf-8").replace(
        "      - {to: BGB, lead_days: {min: 8, max: 42, preferred: 14}}\n",
        "      - {to: BGB, lead_days: {min: 8, max: 42, preferred: 14}}\n"
        "      - {to: BGA, lead_days: {min: 8, max: 42, preferred: 14}}\n",
    )
    assert parts.parts(_instance(text, tmp_path)) == [("BGA", "BGB", "AGA", "AGB"), ("MASN",)]


def test_parts_planned_apart_join_into_one_plan():
    """The joined plan keeps every rule, is proven optimal (each part is), and gives each part
    the days it gets when solved alone; the same input gives the same plan."""
    scenario = loader.load(TWO).scenario
    settings = solver.Settings(time_limit=3)
    outcome = make_plan(scenario, "two", settings)
    assert outcome.violations == ()
    assert outcome.result.status == "optimal"
    assert list(outcome.result.meetings) == ["BGA", "BGB", "AGA", "MASN", "AGB"]
    inst = _instance()
    alone = solver.solve(inst.only(("BGB", "AGB")), solver.Settings(time_limit=1))
    assert {g: outcome.result.meetings[g] for g in ("BGB", "AGB")} == alone.meetings
    again = make_plan(scenario, "two", settings)
    assert [(m.id, m.start) for m in again.plan.meetings] == [
        (m.id, m.start) for m in outcome.plan.meetings
    ]


def test_one_part_is_the_whole():
    """Sörmland is one part: everything is linked through Länsstyrgruppen."""
    from conftest import ROOT

    inst = instance.build(loader.load(ROOT / "scenarios" / "sormland-2027.yaml").scenario)
    assert len(parts.parts(inst)) == 1
