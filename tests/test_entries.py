"""Entries that say nothing new are refused with both lines; a count for a year outside the
period is refused; absences and breaks wholly outside the period are warned about as ignored."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from cadence import loader
from cadence.cli import main
from cadence.errors import ScenarioError
from tests.conftest import DATA

SMALL = (DATA / "small.yaml").read_text(encoding="utf-8")
AGB_FEED = "    members: [nvk]\n    feeds:\n      - {to: BG, lead_days: {min: 8, max: 42}}\nitems:"


def written(tmp_path: Path, text: str, name: str = "case.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        loader.load(path)
    return [str(p).removeprefix(str(path.parent) + "/") for p in caught.value.problems]


def warnings(path: Path) -> list[str]:
    return [str(p).removeprefix(str(path.parent) + "/") for p in loader.load(path).warnings]


def test_a_second_feed_to_the_same_group_is_refused(tmp_path: Path):
    """The issue's case: AGB feeds BG twice; refused at the second line, naming the first,
    where it used to plan with four UIDs twice in samordnare.ics."""
    assert AGB_FEED in SMALL
    doubled = AGB_FEED.replace("items:", "      - {to: BG, lead_days: {min: 8, max: 42}}\nitems:")
    path = written(tmp_path, SMALL.replace(AGB_FEED, doubled))
    assert problems(path) == [
        "case.yaml:51 groups[3].feeds[1]: a second feed to 'BG' (the first is at line 50): "
        "write one entry for it, with the window you mean"
    ]
    result = CliRunner().invoke(main, ["plan", str(path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    assert not (tmp_path / "out").exists()


def test_a_second_feed_with_another_window_is_refused_too(tmp_path: Path):
    """Two windows for one preparation: the coordinator meant one of them (or another group)."""
    doubled = AGB_FEED.replace("items:", "      - {to: BG, lead_days: {min: 10, max: 30}}\nitems:")
    path = written(tmp_path, SMALL.replace(AGB_FEED, doubled))
    assert [p.split(": ", 1)[0] for p in problems(path)] == ["case.yaml:51 groups[3].feeds[1]"]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "    chairs: [{person: chef, start: 2026-01-01, end: 2026-12-31}]\n    members: [nvk]",
            "    chairs:\n      - {person: chef, start: 2026-01-01, end: 2026-12-31}\n"
            "      - {person: chef, start: 2026-01-01, end: 2026-12-31}\n    members: [nvk]",
            "case.yaml:25 groups[0].chairs[1]: the same entry as chairs[0] (line 24): remove one",
        ),
        (
            "    - {name: Sportlov, weeks: [8], weight: 3}",
            "    - {name: Sportlov, weeks: [8], weight: 3}\n"
            "    - {name: Sportlov, weeks: [8], weight: 3}",
            "case.yaml:10 calendar.avoid[1]: the same entry as avoid[0] (line 9): remove one",
        ),
        (
            '    start_times: ["09:00"]',
            '    start_times: ["09:00", "09:00"]',
            'case.yaml:25 groups[0].start_times[1]: "09:00" is written twice in start_times: '
            "remove one",
        ),
        (
            "weeks: [27, 28,",
            "weeks: [27, 27, 28,",
            "case.yaml:6 calendar.blackouts[0].weeks[1]: 27 is written twice in weeks: remove one",
        ),
        (
            "kinds: [arbetsgrupp]",
            "kinds: [arbetsgrupp, arbetsgrupp]",
            "case.yaml:52 items[0].kinds[1]: 'arbetsgrupp' is written twice in kinds: remove one",
        ),
    ],
    ids=["chair term", "avoid period", "start time", "week", "item kind"],
)
def test_an_entry_written_twice_is_refused_with_its_line(
    tmp_path: Path, old: str, new: str, expected: str
):
    """A duplicate that means nothing new is refused at the second entry, not merged (an avoid
    period twice would count its weight twice)."""
    assert old in SMALL
    assert problems(written(tmp_path, SMALL.replace(old, new, 1))) == [expected]


def test_duplicate_members_fixed_dates_and_items_keep_their_own_messages(tmp_path: Path):
    """Members, fixed dates and item ids have their own checks; each is said once."""
    text = SMALL.replace("members: [ordf-a, ordf-b]", "members: [ordf-a, ordf-b, ordf-a]")
    text = text.replace(
        "items:\n",
        "items:\n  - {id: arsberattelse, title: Årsberättelse, kinds: [arbetsgrupp]}\n",
    )
    found = problems(written(tmp_path, text))
    assert sorted(found) == [
        "case.yaml:31 groups[1].members[2]: 'ordf-a' is listed 2 times",
        "case.yaml:53 items[1].id: duplicate item id 'arsberattelse'",
    ]


TOO_MANY = (DATA / "validate-too-many.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize("year", ["2062", "0", "2025"])
def test_a_count_for_a_year_outside_the_period_is_refused(tmp_path: Path, year: str):
    """The issue's case: validate-too-many.yaml with the year 2062 (or 0) validated, warning
    "set meetings.years to choose" though the file does; the count is now refused (exit 2)."""
    path = written(tmp_path, TOO_MANY.replace("year: 2026", f"year: {year}"))
    assert problems(path) == [
        f"case.yaml:17 groups[0].meetings.years[0].year: {year} is not a year of the period "
        "2026-01-01–2026-03-31, so this count would be ignored: write a year of the period, or "
        "remove the entry"
    ]
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2


def test_the_right_year_still_finds_the_count_impossible():
    """With 2026 the same file is well formed and its count cannot hold (exit 1)."""
    result = CliRunner().invoke(main, ["validate", str(DATA / "validate-too-many.yaml")])
    assert result.exit_code == 1, result.output


def test_absences_and_breaks_outside_the_period_are_warned_as_ignored(tmp_path: Path):
    """Dates, ranges and a year's weeks wholly outside the period: a warning at each line,
    saying they are ignored; one inside and a recurring one say nothing."""
    text = SMALL.replace(
        "  - {id: nvk, name: Närvårdskoordinator, organisation: RS}",
        "  - id: nvk\n"
        "    name: Närvårdskoordinator\n"
        "    organisation: RS\n"
        "    unavailable:\n"
        "      - {dates: [2026-03-12, 2062-03-12], reason: Nätverk}\n"
        "      - {start: 2025-06-01, end: 2025-08-31, reason: Semester}\n"
        "      - {start: 2025-12-01, end: 2026-01-31, reason: Tjänstledig}\n"
        "      - {weekdays: [fri], start: 2027-01-01, reason: Deltid}\n"
        "      - {weeks: [8], year: 2027, reason: Sportlov}\n"
        "      - {every_year_from: '07-01', every_year_to: '07-31', reason: Semester}",
    )
    assert warnings(written(tmp_path, text)) == [
        "case.yaml:20 people[2].unavailable[0].dates[1]: 2062-03-12 is outside the period "
        "2026-01-01–2026-12-31 and is ignored",
        "case.yaml:21 people[2].unavailable[1]: 2025-06-01–2025-08-31 is outside the period "
        "2026-01-01–2026-12-31 and is ignored",
        "case.yaml:23 people[2].unavailable[3]: 2027-01-01–… is outside the period "
        "2026-01-01–2026-12-31 and is ignored",
        "case.yaml:24 people[2].unavailable[4].year: weeks 8 of 2027 are outside the period "
        "2026-01-01–2026-12-31 and are ignored",
    ]


def test_a_blackout_outside_the_period_is_warned_as_ignored(tmp_path: Path):
    """A break typed with last year's dates is ignored, and the coordinator is told where."""
    text = SMALL.replace(
        "  avoid:",
        "    - {name: Planeringsdag, dates: [2025-09-01]}\n  avoid:",
    )
    assert warnings(written(tmp_path, text)) == [
        "case.yaml:8 calendar.blackouts[2].dates[0]: 2025-09-01 is outside the period "
        "2026-01-01–2026-12-31 and is ignored"
    ]
