"""The loader: every problem of a scenario file, each with its file, line and key path."""

import dataclasses
from pathlib import Path

import pytest

from cadence import loader
from cadence.errors import ScenarioError
from tests.conftest import DATA


def problems(name: str) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        loader.load(DATA / name)
    return [str(p).removeprefix(str(DATA) + "/") for p in caught.value.problems]


def test_small_scenario_loads():
    """A valid file gives a Scenario with its groups in file order and no warnings."""
    loaded = loader.load(DATA / "small.yaml")
    assert [g.id for g in loaded.scenario.groups] == ["SG", "BG", "AGA", "AGB"]
    assert loaded.warnings == ()
    aga = loaded.scenario.group("AGA")
    assert (aga.meetings.min, aga.meetings.max) == (4, 6)
    assert loaded.scenario.group("AGB").meetings.min == 4  # `meetings: 4` is {min: 4, max: 4}


def test_scenario_is_frozen():
    """Scenario types are frozen dataclasses with tuples, not lists."""
    scenario = loader.load(DATA / "small.yaml").scenario
    with pytest.raises(dataclasses.FrozenInstanceError):
        scenario.name = "x"  # type: ignore[misc]
    assert isinstance(scenario.groups, tuple)
    assert isinstance(scenario.group("AGA").start_times, tuple)


def test_syntax_error_has_line():
    """A YAML syntax error names the file and the line where the parser gave up."""
    assert problems("bad-syntax.yaml") == [
        "bad-syntax.yaml:6: YAML syntax error: expected ',' or ']', but got ':'"
    ]


def test_broken_references_all_reported():
    """Unknown organisation, person, group and item references are all collected at once."""
    assert problems("bad-reference.yaml") == [
        "bad-reference.yaml:7 people[1].organisation: unknown organisation 'KOMMUNX'",
        "bad-reference.yaml:13 groups[0].members[1]: unknown person 'okänd'",
        "bad-reference.yaml:15 groups[0].feeds[0].to: unknown group 'BGX'",
        "bad-reference.yaml:20 groups[1].chairs[0].person: unknown person 'nobody'",
        "bad-reference.yaml:22 items[0].groups[0]: unknown group 'NSV'",
        "bad-reference.yaml:23 items[1].before.item: unknown agenda item 'saknas'",
    ]


def test_cycle_names_the_groups():
    """A cycle in the feeds graph is reported with the groups in it, in order."""
    assert problems("bad-cycle.yaml") == [
        "bad-cycle.yaml:8 groups[0].feeds: the feeds form a cycle: A → B → C → A"
    ]


def test_unknown_keys_and_wrong_types():
    """Unknown keys (with a suggestion), wrong types and missing keys, each on its own line."""
    assert problems("bad-types.yaml") == [
        "bad-types.yaml:2 period.timezon: unknown key 'timezon' (did you mean 'timezone'?)",
        "bad-types.yaml:7 groups[0].meetings: expected a number of meetings or "
        "{min: …, max: …} (got 'sex')",
        "bad-types.yaml:9 groups[0].start_times[0]: expected a time like \"09:00\" (got 'nio')",
        "bad-types.yaml:10 groups[0].weekdays[1]: input should be 'mon', 'tue', 'wed', 'thu', "
        "'fri', 'sat' or 'sun' (got 'funday')",
        "bad-types.yaml:11 groups[1]: missing required key 'name'",
        "bad-types.yaml:14 groups[1].meetngs_per_year: unknown key 'meetngs_per_year'",
    ]


def test_bad_values_duplicates_and_notice():
    """min > max, duplicate ids and a lead window inside the downstream notice time."""
    assert problems("bad-values.yaml") == [
        "bad-values.yaml:7 groups[0].meetings.max: min (8) is larger than max (6)",
        "bad-values.yaml:8 groups[0].feeds[0].lead_days.min: min (30) is larger than max (10)",
        "bad-values.yaml:14 groups[2].id: duplicate group id 'A'",
        "bad-values.yaml:18 groups[2].feeds[0].lead_days.min: 5 days is not before B's notice "
        "(7 days before its meetings): min must be at least 8",
    ]


def test_calendar_problems():
    """Fixed dates outside the period, on holidays, in breaks, past a half day; too many meetings."""
    assert problems("bad-calendar.yaml") == [
        "bad-calendar.yaml:14 groups[0].fixed[0].date: 2026-06-19 (fredag) is not a working day: "
        "Midsommarafton",
        "bad-calendar.yaml:15 groups[0].fixed[1].date: 2027-01-15 is outside the period "
        "2026-01-01–2026-12-31",
        "bad-calendar.yaml:16 groups[0].fixed[2].date: 2026-07-14 (tisdag) is not a working day: "
        "Sommaruppehåll",
        "bad-calendar.yaml:17 groups[0].fixed[3].date: 2026-04-30 is a half day from 14:00; "
        "a meeting 13:00–16:00 does not fit",
        "bad-calendar.yaml:21 groups[1].meetings: TÄT needs 30 meetings in 2026 but only 24 fit "
        "(221 open days, at least 14 days apart, line 22)",
    ]


def test_chair_rules_are_warnings():
    """A term over two years and two region chairs in a row warn; other kinds are not covered."""
    loaded = loader.load(DATA / "warn-chairs.yaml")
    messages = [str(w).removeprefix(str(DATA) + "/") for w in loaded.warnings]
    assert messages == [
        "warn-chairs.yaml:16 groups[0].chairs[0]: AG: a chair serves at most 2 years at a time "
        "(2023-01-01–2025-12-31)",
        "warn-chairs.yaml:17 groups[0].chairs[1].person: AG: the chair should alternate between "
        "the region and the kommuner (two region chairs in a row)",
    ]


def test_leap_year_term_is_two_years(tmp_path: Path):
    """A term from 1 Jan 2027 to 31 Dec 2028 (a leap year) is exactly two years: no warning."""
    path = tmp_path / "leap.yaml"
    path.write_text(
        """
name: Skottår
period: {start: 2027-01-01, end: 2027-12-31}
organisations: [{id: RS, name: Region, kind: region}, {id: K, name: Kommun, kind: kommun}]
people: [{id: r, name: R, organisation: RS}, {id: k, name: K, organisation: K}]
groups:
  - id: AG
    name: Arbetsgrupp
    kind: arbetsgrupp
    meetings: 6
    chairs:
      - {person: k, start: 2025-01-01, end: 2026-12-31}
      - {person: r, start: 2027-01-01, end: 2028-12-31}
""",
        encoding="utf-8",
    )
    assert loader.load(path).warnings == ()


def test_missing_file():
    """A missing scenario file is a problem naming the file, not a traceback."""
    with pytest.raises(ScenarioError) as caught:
        loader.load(DATA / "does-not-exist.yaml")
    assert "no such scenario file" in str(caught.value)


def test_not_a_mapping(tmp_path: Path):
    """A YAML list at the top is reported on line 1."""
    path = tmp_path / "list.yaml"
    path.write_text("- a\n- b\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        loader.load(path)
    assert str(caught.value.problems[0]).endswith(
        ":1: a scenario is a mapping of keys (name, period, groups, …)"
    )


def test_days_forms_are_exclusive(tmp_path: Path):
    """A blackout that mixes two forms, or names none, is rejected at its line."""
    text = (
        (DATA / "small.yaml")
        .read_text(encoding="utf-8")
        .replace(
            "- {name: Sommaruppehåll, weeks: [27, 28, 29, 30, 31, 32]}",
            "- {name: Sommaruppehåll, weeks: [27], dates: [2026-07-01]}\n    - {name: Tom}",
        )
    )
    path = tmp_path / "forms.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        loader.load(path)
    messages = [f"{p.line} {p.path}: {p.message}" for p in caught.value.problems]
    assert messages == [
        "6 calendar.blackouts[0]: mixes forms (dates, weeks): use one per entry",
        "7 calendar.blackouts[1]: gives no days: use dates, start/end, weeks, every_year_from/to, "
        "holidays or weekdays",
    ]


def test_busy_ics_missing_file(tmp_path: Path):
    """A person's busy_ics that does not exist is a problem at that key."""
    text = (
        (DATA / "small.yaml")
        .read_text(encoding="utf-8")
        .replace(
            "{id: nvk, name: Närvårdskoordinator, organisation: RS}",
            "{id: nvk, name: Närvårdskoordinator, organisation: RS, busy_ics: nvk.ics}",
        )
    )
    path = tmp_path / "busy.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        loader.load(path)
    (problem,) = caught.value.problems
    assert (problem.line, problem.path) == (16, "people[2].busy_ics")
    assert "cannot read" in problem.message


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "scenario.yaml"
    path.write_text(text, encoding="utf-8")
    return path


MINIMAL = """\
name: Minimal
period: {start: 2026-01-01, end: 2026-12-31}
organisations: [{id: RS, name: Region, kind: region}]
people: [{id: p, name: P, organisation: RS}]
groups:
  - {id: A, name: Grupp A, kind: arbetsgrupp, meetings: 4}
  - {id: B, name: Grupp B, kind: beredningsgrupp, meetings: 4}
"""


def located(path: Path) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        loader.load(path)
    return [f"{p.line} {p.path}: {p.message}" for p in caught.value.problems]


def test_impossible_date_is_an_error_not_a_traceback(tmp_path: Path):
    """Regression: 2026-02-30 crashed the YAML library with a bare ValueError."""
    path = write(tmp_path, MINIMAL.replace("end: 2026-12-31", "end: 2026-02-30"))
    assert located(path) == ["2 : 2026-02-30 is not a date"]


def test_number_is_not_a_time(tmp_path: Path):
    """Regression: `start_times: [9]` was read as 00:00:09."""
    path = write(
        tmp_path,
        MINIMAL.replace("meetings: 4}\n  - {id: B", "meetings: 4, start_times: [9]}\n  - {id: B"),
    )
    assert located(path) == ['6 groups[0].start_times[0]: expected a time like "09:00" (got 9)']


def test_range_with_only_start(tmp_path: Path):
    """Regression: a one-sided range was reported at the garbled path `e.n.d`."""
    path = write(tmp_path, MINIMAL + "calendar:\n  blackouts: [{name: X, start: 2026-07-01}]\n")
    assert located(path) == ["9 calendar.blackouts[0].end: a range needs both start and end"]


def test_self_feed_reported_once(tmp_path: Path):
    """Regression: a group feeding itself was reported as such and again as a cycle."""
    text = MINIMAL.replace(
        "meetings: 4}\n  - {id: B",
        "meetings: 4, feeds: [{to: A, lead_days: {min: 8, max: 40}}]}\n  - {id: B",
    )
    assert located(write(tmp_path, text)) == [
        "6 groups[0].feeds[0].to: a group cannot prepare its own meetings"
    ]


def test_unknown_subdivision(tmp_path: Path):
    """A subdivision the holidays package does not know is located in the file."""
    path = write(tmp_path, MINIMAL + "calendar: {subdivision: XX}\n")
    (message,) = located(path)
    assert message.startswith("8 calendar.subdivision: 'SE' has no subdivision 'XX'")


def test_weekend_weekday_rejected(tmp_path: Path):
    """A group that meets on Saturdays is rejected at its weekdays entry."""
    path = write(
        tmp_path,
        MINIMAL.replace(
            "meetings: 4}\n  - {id: B", "meetings: 4, weekdays: [mon, sat]}\n  - {id: B"
        ),
    )
    assert located(path) == [
        "6 groups[0].weekdays[1]: meetings are held on working days (mon–fri), not 'sat'"
    ]


def test_item_before_inside_notice(tmp_path: Path):
    """An item prepared fewer days ahead than the target group's notice misses the kallelse."""
    text = MINIMAL + (
        "items:\n"
        "  - {id: beslut, title: Beslut, groups: [B]}\n"
        "  - {id: beredning, title: Beredning, groups: [A], before: {item: beslut, min_days: 5, max_days: 30}}\n"
    )
    assert located(write(tmp_path, text)) == [
        "10 items[1].before.min_days: 5 days is not before B's notice (7 days before its meetings): "
        "min_days must be at least 8"
    ]


def test_missing_keys_listed_separately(tmp_path: Path):
    """Regression: two missing keys were joined with '; or ' as if they were alternatives."""
    path = write(tmp_path, "period: {start: 2026-01-01, end: 2026-12-31}\n")
    assert located(path) == ["1 : missing required key 'name'", "1 : missing required key 'groups'"]
