"""A change answered as options: identities keep their order, fewest then nearest, options with
one bent rule and exit 3, a firm body's own decision, --json, and bends kept by later runs."""

import json
import zoneinfo
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from cadence import loader, options, solver
from cadence.bends import Bend
from cadence.cli import main
from cadence.output import write_folder
from cadence.plan import Meeting, Plan, uid_for
from cadence.replan import run
from cadence.state import Record, State, dumps, read
from cadence.verify import check, order_kept
from tests.conftest import DATA, ROOT

FAST = solver.Settings(time_limit=5)
TZ = zoneinfo.ZoneInfo("Europe/Stockholm")
AS_OF = date(2026, 1, 1)


def at(day: date) -> datetime:
    return datetime.combine(day, time(9), TZ)


def published(scenario, source: str, rows: list[tuple[str, date]]) -> State:
    """A published state with these meetings (id, day) at 09–11, as a coordinator had it."""
    stamp = datetime(2025, 12, 1, tzinfo=UTC)
    records = tuple(
        Record(i, uid_for(i, source), i.split("-")[0], at(d), at(d) + timedelta(hours=2), 0,
               "planned", stamp, "-")
        for i, d in rows
    )  # fmt: skip
    return State(scenario.name, source, records)


def with_text(tmp_path: Path, name: str, old: str, new: str):
    """A scenario file of tests/data with one line changed (the same scenario name)."""
    text = (DATA / name).read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / name
    path.write_text(text.replace(old, new), encoding="utf-8")
    return loader.load(path).scenario


def starts(done) -> dict[str, date]:
    return {m.id: m.start.date() for m in done.plan.meetings}


# -- 1. identities keep their order -------------------------------------------------------------


def test_a_meeting_that_must_move_never_jumps_past_its_siblings(tmp_path):
    """G's chair is now away all March: G-01 (3 March) must move. Moving it alone to 21 April
    (past G-02 and G-03) was one move; kept in order, all three move, nearest: 7, 14, 21 April."""
    scenario = with_text(tmp_path, "order.yaml", "unavailable: []",
                         "unavailable: [{start: 2026-03-01, end: 2026-03-31}]")  # fmt: skip
    rows = [("G-01", date(2026, 3, 3)), ("G-02", date(2026, 4, 7)), ("G-03", date(2026, 4, 14))]
    state = published(scenario, "order", rows)
    done = run(scenario, "order", state, FAST, AS_OF)
    assert done.violations == ()
    assert check(scenario, done.plan, AS_OF) == []
    assert starts(done) == {
        "G-01": date(2026, 4, 7), "G-02": date(2026, 4, 14), "G-03": date(2026, 4, 21)
    }  # fmt: skip
    assert done.result.moves.count == 3 and done.result.moves.shift == 35 + 7 + 7


def test_the_verifier_names_a_meeting_out_of_its_place():
    """A plan in which G-01 comes after G-03 breaks the published order: one violation."""
    old = [("G-01", "G", at(date(2026, 3, 3))), ("G-02", "G", at(date(2026, 4, 7))),
           ("G-03", "G", at(date(2026, 4, 14)))]  # fmt: skip
    days = {"G-01": date(2026, 4, 21), "G-02": date(2026, 4, 7), "G-03": date(2026, 4, 14)}
    plan = Plan("Ordning", tuple(
        Meeting(i, "", "G", at(d), at(d) + timedelta(hours=2), "", None) for i, d in days.items()
    ))  # fmt: skip
    found = order_kept(old, plan)
    assert [v.rule for v in found] == ["order"]
    assert "G-01 now on 2026-04-21 is out of its place" in found[0].message
    assert order_kept(old, plan, asked={"G-01"}) == []  # the coordinator moved it herself


# -- 2. fewest, then nearest ------------------------------------------------------------------


def test_fewest_then_nearest_and_the_report_shows_the_shift(tmp_path):
    """G's chair is away on 17 March: G-02 moves one week (10 or 24 March), not to 31 March
    where the spread goal would have put it, and the report gives the total shift."""
    scenario = with_text(tmp_path, "order.yaml", "unavailable: []",
                         "unavailable: [{dates: [2026-03-17]}]")  # fmt: skip
    rows = [("G-01", date(2026, 3, 3)), ("G-02", date(2026, 3, 17)), ("G-03", date(2026, 4, 28))]
    done = run(scenario, "order", published(scenario, "order", rows), FAST, AS_OF)
    assert done.violations == ()
    assert done.result.moves.count == 1 and done.result.moves.shift == 7
    assert starts(done)["G-02"] in (date(2026, 3, 10), date(2026, 3, 24))
    report = done.files["andringar.md"].decode()
    assert "Sammanlagd förskjutning av möten du inte själv flyttade: 7 dagar." in report


# -- 3 and 5. options, exit 3, --json, a bend recorded and kept --------------------------------

ROWS = [
    ("AG-01", date(2026, 3, 3)), ("AG-02", date(2026, 3, 10)), ("AG-03", date(2026, 3, 24)),
    ("BG-01", date(2026, 3, 19)), ("BG-02", date(2026, 4, 9)),
]  # fmt: skip


def publish_rows(name: str, folder: Path) -> None:
    """Publish ROWS as the plan of tests/data/``name`` into ``folder`` (a re-plan with no change
    moves nothing: the rows keep every rule)."""
    scenario = loader.load(DATA / name).scenario
    source = Path(name).stem
    done = run(scenario, source, published(scenario, source, ROWS), FAST, AS_OF)
    assert done.violations == () and done.result.moves.count == 0
    write_folder(folder, done.files)


def cli(*args: str):
    return CliRunner().invoke(main, list(args))


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file() and p.name != ".cadence-lock"
    }


def test_a_change_that_moves_too_much_offers_options_and_exits_3(tmp_path):
    """BG-02 a week later: keeping every rule moves AG-03 (more than max_other_moves: 0), so
    nothing is applied: exit 3 with the all-rules option and the lead window bent to 23 days
    (line 35), in Swedish; --dry-run says the same; nothing is written."""
    out = tmp_path / "out"
    publish_rows("options.yaml", out)
    before = snapshot(out)
    args = [str(DATA / "options.yaml"), "--out", str(out), "--as-of", "2026-01-01",
            "--time-limit", "5"]  # fmt: skip
    for extra in ([], ["--dry-run"]):
        result = cli("move", "BG-02", "2026-04-16", *args, *extra)
        assert result.exit_code == 3, result.output
        assert "Alternativ 1: alla regler hålls. 1 annat möte flyttas, sammanlagt 7 dagar." in (
            result.output
        )
        assert "AG-03: tisdag 24 mars 09.00 → tisdag 31 mars 09.00" in result.output
        assert (
            "Alternativ 2: med avsteg – ledtid AG → BG 23 dagar (högst 16, rad 35). "
            "Inga andra möten flyttas." in result.output
        )
        assert "AG-03 (tisdag 24 mars) bereder BG-02 (torsdag 16 april), 23 dagar före." in (
            result.output
        )
        assert "choose one of the 2 options above" in result.output.replace("Choose", "choose")
    assert snapshot(out) == before


def test_json_answer_follows_the_schema(tmp_path):
    """--json prints the answer as docs/changes.schema.json says: status, each option's moves,
    shift, the bent rule with file:line and amount, the people to notify."""
    out = tmp_path / "out"
    publish_rows("options.yaml", out)
    result = CliRunner().invoke(main, [
        "move", "BG-02", "2026-04-16", str(DATA / "options.yaml"), "--out", str(out),
        "--as-of", "2026-01-01", "--time-limit", "5", "--json",
    ])  # fmt: skip
    assert result.exit_code == 3, result.stderr
    answer = json.loads(result.stdout)
    schema = json.loads((ROOT / "docs" / "changes.schema.json").read_text())
    jsonschema.validate(answer, schema)
    assert answer["status"] == "choose"
    first, second = answer["options"]
    assert [(m["meeting"], m["from"][:10], m["to"][:10]) for m in first["moves"]] == [
        ("AG-03", "2026-03-24", "2026-03-31"), ("BG-02", "2026-04-09", "2026-04-16")
    ]  # fmt: skip
    assert (first["shift_days"], first["bends"]) == (7, [])
    assert second["shift_days"] == 0
    assert [(b["rule"], b["line"], b["amount"]) for b in second["bends"]] == [
        ("lead_max", "options.yaml:35", 23)
    ]
    assert second["notify"] == ["Ordförande AG", "Ordförande BG"]


def test_an_applied_option_records_its_bend_and_later_runs_keep_it(tmp_path):
    """--option 2 moves only BG-02, records the bend in plan.json and the report; a later
    re-plan keeps it (nothing moves), and cadence check accepts the plan with it, not
    without."""
    out = tmp_path / "out"
    publish_rows("options.yaml", out)
    scenario = str(DATA / "options.yaml")
    args = [scenario, "--out", str(out), "--as-of", "2026-01-01", "--time-limit", "5"]
    result = cli("move", "BG-02", "2026-04-16", *args, "--option", "2")
    assert result.exit_code == 0, result.output
    state = read(out / "plan.json")
    assert state.bends == (Bend("lead_max", "AG", "BG", 23, 16),)
    assert {r.id: r.start.date() for r in state.records}["AG-03"] == date(2026, 3, 24)
    report = (out / "andringar.md").read_text()
    assert "Avsteg: ledtid AG → BG 23 dagar (högst 16, rad 35)" in report
    again = cli("plan", *args)
    assert again.exit_code == 0, again.output
    assert "Inga ändringar" in again.output
    checked = cli("check", scenario, "--plan", str(out / "plan.csv"))
    assert checked.exit_code == 0, checked.output
    document = json.loads((out / "plan.json").read_text())
    del document["bends"]
    (out / "plan.json").write_text(json.dumps(document))
    unbent = cli("check", scenario, "--plan", str(out / "plan.csv"))
    assert unbent.exit_code == 1 and "AG" in unbent.output, unbent.output


def test_state_keeps_bends_and_is_unchanged_without_them():
    """plan.json writes bends only when there is one; they read back the same."""
    scenario = loader.load(DATA / "options.yaml").scenario
    state = published(scenario, "options", ROWS)
    assert b'"bends"' not in dumps(state)
    bent = state.with_bends([Bend("lead_max", "AG", "BG", 23, 16),
                             Bend("firm", "BG", meeting="BG-02", from_day=date(2026, 4, 9),
                                  day=date(2026, 4, 16))])  # fmt: skip
    path = Path(__file__).parent / "data" / "_bends.plan.json"
    try:
        path.write_bytes(dumps(bent))
        assert read(path).bends == bent.bends
    finally:
        path.unlink()


# -- 4. a firm body's decision is a fact -------------------------------------------------------


def test_a_firm_meeting_moved_by_name_bends_its_own_spacing():
    """The nämnd moves its first meeting to 12 March: 28 days to its next (at most 21, line
    25). Applied, not refused, with the bent rule named; the plan passes the bent verifier."""
    scenario = loader.load(DATA / "options-firm.yaml").scenario
    state = published(scenario, "options-firm", ROWS)
    where = loader.load(DATA / "options-firm.yaml")
    from cadence.clash import Where

    found = options.answer(
        scenario, "options-firm", state, options.Request("move", "BG-01", day=date(2026, 3, 12)),
        FAST, AS_OF, Where(where.locations, "options-firm.yaml"),
    )  # fmt: skip
    assert found.status == "applied"
    (option,) = found.options
    assert [(b.bend, b.line) for b in option.bends] == [
        (Bend("max_gap", "BG", value=28, was=21), "options-firm.yaml:25")
    ]
    assert option.bends[0].words == "BG: 28 dagar mellan mötena (högst 21, rad 25)"
    assert option.other_moves == 0
    done = options.apply(found, 1)
    assert done.violations == ()
    assert done.result.moves.shift == 0  # only the committee's own move: nothing else shifts
    assert done.state.bends == (Bend("max_gap", "BG", value=28, was=21),)
    assert check(scenario, done.plan, AS_OF) != []  # the file's own rule is broken: bent


def test_a_refusal_names_the_rule_and_its_line(tmp_path):
    """BG-01 on 5 March cannot be prepared (AG cannot meet before 2 March) and no single bend
    helps: refused, naming the lead rule with its line."""
    scenario = loader.load(DATA / "options.yaml")
    from cadence.clash import Where

    state = published(scenario.scenario, "options", ROWS)
    found = options.answer(
        scenario.scenario, "options", state, options.Request("move", "BG-01", day=date(2026, 3, 5)),
        FAST, AS_OF, Where(scenario.locations, "options.yaml"),
    )  # fmt: skip
    assert found.status == "refused" and found.options == ()
    assert "options.yaml:" in found.refusal
    with pytest.raises(Exception, match="refused, nothing changed"):
        options.apply(found, 1)


# -- the examples on the default plan (slow: a Sörmland re-plan each) -----------------


@pytest.fixture(scope="module")
def default_plan():
    """Sörmland 2026 and its default plan as published (tests/data: LSG-2026-05 on 5 October,
    NSV-2026-04 on 15 October), with the file's lines."""
    loaded = loader.load(ROOT / "scenarios" / "sormland-2026.yaml")
    from cadence.clash import Where

    state = read(DATA / "sormland-2026.default.plan.json")
    return loaded.scenario, state, Where(loaded.locations, "sormland-2026.yaml")


def test_sormland_lsg_a_week_later_offers_the_lead_bent(default_plan):
    """LSG-2026-05 from 5 to 12 October: keeping every rule moves many meetings (it moved 17),
    so the coordinator chooses; one option lets LSG's August meeting prepare NSV with a 56-day
    lead (at most 42, line 227) and moves nothing else, and it applies without violations."""
    scenario, state, where = default_plan
    request = options.Request("move", "LSG-2026-05", day=date(2026, 10, 12))
    found = options.answer(scenario, "sormland-2026", state, request, solver.Settings(), AS_OF,
                           where)  # fmt: skip
    assert found.status == "choose"
    assert found.options[0].keeps_rules and found.options[0].other_moves > 2
    lead = next(o for o in found.options if [b.bend.rule for b in o.bends] == ["lead_max"])
    assert lead.bends[0].words == "ledtid LSG → NSV 56 dagar (högst 42, rad 227)"
    assert lead.bends[0].line == "sormland-2026.yaml:227"
    assert lead.other_moves == 0
    assert [m.meeting for m in lead.moves] == ["LSG-2026-05"]
    assert lead.details == (
        "LSG-2026-04 (torsdag 20 augusti) bereder NSV-2026-04 (torsdag 15 oktober), 56 dagar före.",
    )
    done = options.apply(found, lead.id)
    assert done.violations == ()
    assert (
        "Avsteg: ledtid LSG → NSV 56 dagar (högst 42, rad 227)"
        in done.files["andringar.md"].decode()
    )


def test_sormland_bgae_a_week_later_offers_its_gap_bent_and_the_committee_asked(default_plan):
    """BGÄ-2026-05 from 22 to 29 September: 103 days after BGÄ's June meeting (at most 100,
    line 242) and too late for LSG on 5 October. No single bend lets everything else stay, and
    keeping every rule moves BGÄ's whole year (7 meetings, one by 74 days). The bend found with
    moves: BGÄ's gap of 103 days, LSG-2026-05 four days later and NSV asked to meet on 1
    October (prepared by LSG's August meeting): two other meetings, and it applies cleanly."""
    scenario, state, where = default_plan
    request = options.Request("move", "BGÄ-2026-05", day=date(2026, 9, 29))
    found = options.answer(scenario, "sormland-2026", state, request, solver.Settings(), AS_OF,
                           where)  # fmt: skip
    assert found.status == "choose"
    first = found.options[0]
    assert first.keeps_rules and first.other_moves == 7 and first.longest_shift == 74
    gap = next(o for o in found.options if o.bends and o.bends[0].bend.rule == "max_gap")
    assert [(b.bend, b.line) for b in gap.bends] == [
        (Bend("max_gap", "BGÄ", value=103, was=100), "sormland-2026.yaml:242"),
        (Bend("firm", "NSV", meeting="NSV-2026-04", from_day=date(2026, 10, 15),
              day=date(2026, 10, 1)), "sormland-2026.yaml:192"),
    ]  # fmt: skip
    assert {m.meeting: m.to.date() for m in gap.moves if m.to} == {
        "BGÄ-2026-05": date(2026, 9, 29),
        "LSG-2026-05": date(2026, 10, 9),
        "NSV-2026-04": date(2026, 10, 1),
    }
    assert gap.other_moves == 2 and gap.shift_days == 18
    assert "Fråga NSV:s sekreterare om NSV kan flytta sitt möte till torsdag 1 oktober 2026." in (
        gap.summary
    )
    done = options.apply(found, gap.id)
    assert done.violations == ()
    report = done.files["andringar.md"].decode()
    assert "Avsteg: BGÄ: 103 dagar mellan mötena (högst 100, rad 242)" in report


def test_sormland_lsg_into_september_bends_its_gap_and_the_preparers_leads_together(
    default_plan,
):
    """LSG-2026-04 from 20 August to 3 September: 97 days after LSG's May meeting (at most 90,
    line 225), and the beredningsgrupper's June meetings are 77–78 days ahead (at most 63 or
    70): no one rule bent alone lets the rest stay, and keeping every rule moves 15 meetings
    (the summer break leaves the arbetsgrupper 10–12 August). Two rules bent together, the
    five leads into LSG as one bundle, each cut to what the plan uses: nothing else moves."""
    scenario, state, where = default_plan
    request = options.Request("move", "LSG-2026-04", day=date(2026, 9, 3))
    found = options.answer(scenario, "sormland-2026", state, request, solver.Settings(), AS_OF,
                           where)  # fmt: skip
    assert found.status == "choose"
    assert found.options[0].keeps_rules and found.options[0].other_moves == 15
    pair = next(o for o in found.options if len(o.bends) > 1)
    assert [(b.bend, b.line) for b in pair.bends] == [
        (Bend("max_gap", "LSG", value=97, was=90), "sormland-2026.yaml:225"),
        (Bend("lead_max", "BGÄ", "LSG", 77, 63), "sormland-2026.yaml:244"),
        (Bend("lead_max", "BGPF", "LSG", 77, 63), "sormland-2026.yaml:260"),
        (Bend("lead_max", "BGB", "LSG", 77, 63), "sormland-2026.yaml:276"),
        (Bend("lead_max", "BGH", "LSG", 78, 70), "sormland-2026.yaml:292"),
        (Bend("lead_max", "BGD", "LSG", 78, 70), "sormland-2026.yaml:308"),
    ]
    assert pair.other_moves == 0 and [m.meeting for m in pair.moves] == ["LSG-2026-04"]
    assert (
        "BGH-2026-04 (onsdag 17 juni) bereder LSG-2026-04 (torsdag 3 september), 78 dagar före."
        in (pair.details)
    )
    done = options.apply(found, pair.id)
    assert done.violations == ()
    assert "Avsteg: ledtid BGD → LSG 78 dagar (högst 70, rad 308)" in (
        done.files["andringar.md"].decode()
    )


def test_sormland_nsv_moved_by_the_committee_is_applied_with_its_gap_bent(default_plan):
    """NSV-2026-04 from 15 to 22 October, the committee's own decision: 126 days after NSV's
    June meeting (at most 120, line 205) is bent and reported, not refused; nothing else
    moves."""
    scenario, state, where = default_plan
    request = options.Request("move", "NSV-2026-04", day=date(2026, 10, 22))
    found = options.answer(scenario, "sormland-2026", state, request, solver.Settings(), AS_OF,
                           where)  # fmt: skip
    assert found.status == "applied"
    (option,) = found.options
    assert [(b.bend, b.line) for b in option.bends] == [
        (Bend("max_gap", "NSV", value=126, was=120), "sormland-2026.yaml:205")
    ]
    assert option.other_moves == 0
    assert options.apply(found, 1).violations == ()


def test_bends_loosen_never_tighten_and_read_in_swedish():
    """A recorded bend loosens its rule to the bent bound, never tightens a looser file, skips
    a rule the file lost, and reads as the coordinator writes it."""
    from cadence import bends

    scenario = loader.load(DATA / "options-firm.yaml").scenario
    wider = bends.apply(scenario, [Bend("lead_max", "AG", "BG", 23, 16),
                                   Bend("max_gap", "BG", value=28, was=21),
                                   Bend("min_gap", "AG", value=5, was=7),
                                   Bend("writeup", "AG", "BG", 0, 2)])  # fmt: skip
    assert wider.group("AG").feeds[0].lead_days.max == 23
    assert wider.group("BG").max_days_between == 28
    assert wider.group("AG").min_days_between == 5
    assert wider.group("AG").feeds[0].writeup_days == 0
    tighter = bends.apply(wider, [Bend("lead_max", "AG", "BG", 18, 16),
                                  Bend("max_gap", "XX", value=5, was=4)])  # fmt: skip
    assert tighter.group("AG").feeds[0].lead_days.max == 23 and tighter == wider
    assert bends.words(Bend("lead_min", "AG", "BG", 8, 9), "x.yaml:35") == (
        "ledtid AG → BG 8 dagar (minst 9, rad 35)"
    )
    assert bends.words(Bend("writeup", "AG", "BG", 1, 2), "x.yaml:7") == (
        "tid att skriva ihop AG → BG 1 arbetsdag(ar) (minst 2, rad 7)"
    )
    firm = Bend("firm", "BG", meeting="BG-02", from_day=date(2026, 4, 9), day=date(2026, 4, 16))
    assert bends.words(firm, "x.yaml:18") == (
        "BG-02 flyttas: torsdag 9 april 2026 → torsdag 16 april 2026, om BG beslutar det "
        "(BG har fasta datum, rad 18)"
    )
    assert bends.ask(firm) == (
        "Fråga BG:s sekreterare om BG kan flytta sitt möte till torsdag 16 april 2026."
    )
    assert firm.amount == 7


def test_cli_json_of_an_applied_change_and_of_a_refusal(tmp_path):
    """--json on a change applied at once prints status applied with its bend and writes the
    folder (exit 0); on a refused one, status refused with the reason (exit 1, nothing
    written)."""
    out = tmp_path / "out"
    publish_rows("options-firm.yaml", out)
    args = [str(DATA / "options-firm.yaml"), "--out", str(out), "--as-of", "2026-01-01",
            "--time-limit", "5", "--json"]  # fmt: skip
    applied = CliRunner().invoke(main, ["move", "BG-01", "2026-03-12", *args])
    assert applied.exit_code == 0, applied.output
    answer = json.loads(applied.stdout)
    assert answer["status"] == "applied" and answer["refusal"] is None
    assert [(b["rule"], b["line"], b["amount"], b["was"]) for b in answer["options"][0]["bends"]] \
        == [("max_gap", "options-firm.yaml:25", 28, 21)]  # fmt: skip
    assert read(out / "plan.json").record("BG-01").start.date() == date(2026, 3, 12)
    before = snapshot(out)
    refused = CliRunner().invoke(main, ["move", "AG-01", "2026-04-03", *args])  # Långfredagen
    assert refused.exit_code == 1, refused.output
    assert json.loads(refused.stdout)["status"] == "refused"
    assert snapshot(out) == before
