"""The soft goals' definitions: chain stages and the ideal days they move."""

from cadence import goals, instance, loader
from cadence.instance import Link, stages
from tests.conftest import ROOT


def test_stages_follow_the_chain_and_are_centred():
    """Stages follow the chain's preferred leads and each chain is centred."""
    links = (
        Link("A", "B", 8, 42, 14),
        Link("B", "C", 8, 42, 21),
        Link("D", "C", 8, 42, 14),
    )
    shift = stages(["A", "B", "C", "D", "E"], links)
    # C ends the chain; B aims 21 days before it, A 14 before B, D 14 before C: span 35.
    assert shift == {"A": -35 + 17, "B": -21 + 17, "C": 17, "D": -14 + 17, "E": 0}


def test_sormland_ideal_days_run_down_the_chain():
    """In Sörmland the arbetsgrupper aim before BGÄ, BGÄ before LSG; IFO is outside the chain."""
    inst = instance.build(loader.load(ROOT / "scenarios" / "sormland-2026.yaml").scenario)
    by_id = {g.id: g for g in inst.groups}
    first = {g: goals.spread_targets(by_id[g])[2].ideal for g in ("AVÄ", "BGÄ", "LSG", "NSV")}
    assert first["AVÄ"] < first["BGÄ"] < first["LSG"]
    assert by_id["AVÄ"].stage < by_id["BGÄ"].stage < by_id["LSG"].stage < by_id["NSV"].stage
    assert by_id["IFO"].stage == 0  # not in the chain
