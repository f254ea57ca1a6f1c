"""The shipped scenarios: all valid, the schema up to date, Sörmland's structure as documented."""

import json
import re
from datetime import date, time

import jsonschema
import pytest
from ruamel.yaml import YAML

from cadence import loader
from cadence.schema import schema_text
from tests.conftest import ROOT, SCENARIOS

AG_TO_BG = {
    "AVÄ": "BGÄ", "ANÄ": "BGÄ", "ASÄ": "BGÄ",
    "AVPF": "BGPF", "ANPF": "BGPF", "ASPF": "BGPF",
    "AVB": "BGB", "ANB": "BGB", "ASB": "BGB",
}  # fmt: skip
KINDS = {
    "NSV": "nämnd", "LSG": "styrgrupp",
    **{bg: "beredningsgrupp" for bg in ("BGB", "BGPF", "BGÄ", "BGH", "BGD")},
    **{ag: "arbetsgrupp" for ag in AG_TO_BG},
    **{n: "nätverk" for n in ("SCN", "IFO", "MASMAR")},
    "DIALOG": "dialogdag",
}  # fmt: skip


def test_there_are_three_scenarios_or_more():
    """Both Sörmland scenarios and at least one other county are shipped."""
    names = {p.name for p in SCENARIOS}
    assert {"sormland-2026.yaml", "sormland-2027.yaml"} <= names
    assert len(names) >= 3


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_scenario_is_valid_without_warnings(path):
    """Every shipped scenario loads without errors or warnings."""
    loaded = loader.load(path)
    assert loaded.warnings == ()


def _json_ready(node):
    if isinstance(node, dict):
        return {str(k): _json_ready(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_json_ready(v) for v in node]
    if isinstance(node, date | time):
        return node.isoformat()
    return node


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_scenario_passes_the_json_schema(path):
    """What an editor checks with the schema agrees with the loader."""
    schema = json.loads(schema_text())
    document = _json_ready(YAML(typ="safe").load(path.read_text(encoding="utf-8")))
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(document)) == []
    # The same file with a meeting length in words: the schema names where it is.
    document["groups"][0]["duration_minutes"] = "två timmar"
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(document))
    assert [list(e.absolute_path) for e in errors] == [["groups", 0, "duration_minutes"]]


def test_json_schema_rejects_unknown_key():
    """The schema rejects a key the format does not have."""
    schema = json.loads(schema_text())
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"name": "x", "period": {}, "groups": [], "bogus": 1}, schema)


def test_committed_schema_is_current():
    """docs/scenario.schema.json is what `cadence schema` prints (regenerate it if not)."""
    assert (ROOT / "docs" / "scenario.schema.json").read_text(encoding="utf-8") == schema_text()


def test_reference_mentions_every_key():
    """docs/scenario-format.md documents every key of the schema."""
    schema = json.loads(schema_text())
    text = (ROOT / "docs" / "scenario-format.md").read_text(encoding="utf-8")
    keys = set(schema["properties"])
    for definition in schema["$defs"].values():
        keys |= set(definition.get("properties", {}))
    missing = sorted(k for k in keys if not re.search(rf"`{re.escape(k)}`", text))
    assert missing == []


@pytest.fixture(scope="module")
def sormland():
    return loader.load(ROOT / "scenarios" / "sormland-2026.yaml").scenario


def test_sormland_has_every_body(sormland):
    """Every body of NOTES.md with its id and kind."""
    assert {g.id: g.kind for g in sormland.groups} == KINDS


def test_sormland_chain(sormland):
    """Arbetsgrupper → their beredningsgrupp → LSG → NSV; SCN and MAS/MAR (advice) → LSG."""
    edges = {(g.id, f.to) for g in sormland.groups for f in g.feeds}
    expected = set(AG_TO_BG.items())
    expected |= {(bg, "LSG") for bg in ("BGB", "BGPF", "BGÄ", "BGH", "BGD")}
    expected |= {("LSG", "NSV"), ("SCN", "LSG"), ("MASMAR", "LSG")}
    assert edges == expected
    for group in sormland.groups:
        for feed in group.feeds:  # prepared in time for the downstream notice
            assert feed.lead_days.min > sormland.group(feed.to).notice_days


def test_sormland_people(sormland):
    """Närvårdskoordinatorer in their länsdel's arbetsgrupper and LSG; AG chairs in their BG."""
    for part, letter in (("vastra", "V"), ("norra", "N"), ("sodra", "S")):
        nvk = f"nvk-{part}"
        assert sormland.person(nvk).name.startswith("Närvårdskoordinator")
        in_groups = {g.id for g in sormland.groups if nvk in g.members}
        assert in_groups == {ag for ag in AG_TO_BG if ag[1] == letter} | {"LSG", "DIALOG"}
    for ag, bg in AG_TO_BG.items():
        chair = sormland.group(ag).chair_on(date(2026, 6, 1))
        assert chair is not None
        assert chair in sormland.group(bg).members


def test_sormland_fixed_and_items(sormland):
    """NSV decides the färdplan 17 April 2026, prepared by LSG; follow-up every half-year."""
    assert [f.date for f in sormland.group("NSV").fixed] == [date(2026, 4, 17)]
    beslut = sormland.item("fardplan-beslut")
    assert (beslut.groups, beslut.window_from, beslut.window_to) == (
        ("NSV",),
        date(2026, 4, 17),
        date(2026, 4, 17),
    )
    beredning = sormland.item("fardplan-beredning")
    assert beredning.groups == ("LSG",) and beredning.before.item == "fardplan-beslut"
    assert beredning.before.min_days > sormland.group("NSV").notice_days
    assert sormland.item("uppfoljning-nsv").every == "half_year"
    assert sormland.item("uppfoljning-lsg").before.item == "uppfoljning-nsv"
    assert set(sormland.item_groups(sormland.item("fokusomraden"))) == set(AG_TO_BG)
    assert sormland.item_groups(sormland.item("ivo")) == ("IFO",)
    for item_id in ("arsberattelse", "handlingsplan"):
        assert len(sormland.item_groups(sormland.item(item_id))) == 1 + 5 + 9


def test_sormland_breaks(sormland):
    """A July break and a Christmas break block days; school holidays are only avoided."""
    from cadence.calendar import WorkCalendar

    cal = WorkCalendar(sormland.calendar, sormland.period)
    assert not cal.is_working_day(date(2026, 7, 15))
    assert not cal.is_working_day(date(2026, 12, 22))
    assert not cal.is_working_day(date(2026, 1, 2))
    assert cal.is_working_day(date(2026, 2, 17)) and cal.avoid_weight(date(2026, 2, 17)) > 0
    assert cal.is_working_day(date(2026, 10, 27)) and cal.avoid_weight(date(2026, 10, 27)) > 0


def test_sormland_follows_the_sources(sormland):
    """What the yttrande and the structure document say: follow-up only after the färdplan,
    the 6 Feb dialogue day, MAS/MAR advising LSG, socialchefer who are IFO-chefer, and each
    arbetsgrupp's fokusområden before its own beredningsgrupp."""
    from cadence.instance import build

    inst = build(sormland)
    follow_up = [d for d in inst.dues if d.item == "uppfoljning-nsv"]
    assert len(follow_up) == 1
    assert inst.day(min(follow_up[0].days)) == date(2026, 8, 15)
    dialog = sormland.group("DIALOG")
    assert [f.date for f in dialog.fixed] == [date(2026, 2, 6)]
    assert {"nsv-ordf", "rss-samordnare", "sc-esk", "nvk-norra"} <= {
        dialog.chair_on(date(2026, 2, 6)),
        *dialog.members,
    }
    assert [f.to for f in sormland.group("MASMAR").feeds] == ["LSG"]
    ifo, scn = set(sormland.group("IFO").members), set(sormland.group("SCN").members)
    assert ifo & scn & set(sormland.group("LSG").members) == {
        "sc-vin",
        "sc-oxe",
        "sc-tro",
        "sc-gne",
    }
    fokus = {(d.group, d.before[0].split("/")[1]) for d in inst.dues if d.item == "fokusomraden"}
    assert fokus == set(AG_TO_BG.items())


def test_sormland_rules_for_a_publishable_plan(sormland):
    """Two write-up days before each kallelse, one meeting a day, restart after breaks, and a
    usual weekday for every group."""
    assert sormland.writeup_days == 2
    assert sormland.person_day_hard
    assert sormland.calendar.restart is not None and sormland.calendar.restart.days == 2
    assert all(g.usual_weekday for g in sormland.groups if g.id != "DIALOG")
    assert sormland.group("NSV").usual_weekday == "thu"
    for part in ("V", "N", "S"):  # a närvårdskoordinator's three arbetsgrupper: three weekdays
        days = {sormland.group(ag).usual_weekday for ag in AG_TO_BG if ag[1] == part}
        assert len(days) == 3
