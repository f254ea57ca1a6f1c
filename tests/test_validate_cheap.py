"""What a plan certainly cannot keep, caught by ``cadence validate`` (and a fresh ``cadence
plan``) without the solver, each rule named with its line.

One small scenario per check under tests/data/validate-*.yaml; the messages are written here by
hand from the files (the calendar of 2026–27 worked out with a wall calendar, not by the code),
and each check has a passing variant: a deputy, another weekday, another date.
"""

import re
from pathlib import Path

from click.testing import CliRunner

from cadence.cli import main
from tests.conftest import DATA, ROOT


def cli(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def said(stderr: str, kind: str) -> list[str]:
    """The ``error:`` or ``warning:`` lines, file names relative to tests/data."""
    prefix = f"{kind}: "
    return [
        re.sub(r"^\S*/", "", line.removeprefix(prefix))
        for line in stderr.splitlines()
        if line.startswith(prefix)
    ]


def variant(tmp_path: Path, name: str, old: str, new: str) -> Path:
    """``name`` with ``old`` replaced by ``new`` once, under the same file name."""
    text = (DATA / name).read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    changed = tmp_path / name
    changed.write_text(text.replace(old, new), encoding="utf-8")
    return changed


def refused(path: Path, tmp_path: Path, code: int = 1) -> list[str]:
    """``cadence validate`` and ``cadence plan`` both exit ``code`` with the same errors, the
    plan before any solve and writing nothing; the errors. Exit 1: rules that cannot all hold
    (the file itself is fine); exit 2: the loader refuses the file for every command."""
    checked = cli("validate", str(path))
    assert checked.exit_code == code, checked.output
    out = tmp_path / "out"
    planned = cli("plan", str(path), "--out", str(out), "--time-limit", "3")
    assert planned.exit_code == code, planned.output
    assert "solving" not in planned.stderr
    assert not out.exists()
    errors = said(checked.stderr, "error")
    assert said(planned.stderr, "error") == errors
    summary = {
        1: f"{len(errors)} rule(s) no plan can keep, found before any solve; nothing was written.",
        2: f"{len(errors)} problem(s) found; nothing was written.",
    }
    assert summary[code] in checked.stderr
    return errors


def passes(path: Path) -> list[str]:
    """``cadence validate`` exits 0; its warnings."""
    checked = cli("validate", str(path))
    assert checked.exit_code == 0, checked.output
    return said(checked.stderr, "warning")


CHAIR = "validate-chair-away.yaml"


def test_chair_away_on_every_allowed_day(tmp_path: Path):
    """PSO meets only on Fridays and its chair is away every Friday of the half year: 23
    Fridays from 8 January to 18 June (1 January, Långfredag 2 April and Midsommarafton 25 June
    are holidays), none left for its two meetings."""
    assert refused(DATA / CHAIR, tmp_path) == [
        "validate-chair-away.yaml:11 people[0].unavailable[0]: PSO's chair Ordförande PSO is "
        "away on all 23 days from 2027-01-08 to 2027-06-18 on which PSO could meet (PSO meets "
        "only on Fridays (line 21)), with no deputy: Ordförande PSO is away on Fridays "
        "2027-01-01 – 2027-06-30: Föräldraledig fredagar (line 11). PSO needs 2 meetings in "
        "2027 (line 18) but none fit. Give the chair a deputy (chairs[0].deputy, line 19), let "
        "PSO meet on another weekday too (line 21) or change the absence (line 11)."
    ]


def test_chair_away_passes_with_a_deputy(tmp_path: Path):
    """With a deputy who can come, the Fridays are possible: no error and no warning."""
    deputy = variant(
        tmp_path,
        CHAIR,
        "{person: ordf-pso, start: 2027-01-01, end: 2027-12-31}",
        "{person: ordf-pso, start: 2027-01-01, end: 2027-12-31, deputy: vice-pso}",
    )
    assert passes(deputy) == []


def test_chair_away_passes_with_another_weekday(tmp_path: Path):
    """Thursdays as well: PSO can meet, and the Thursdays between the Fridays leave nothing
    to warn about."""
    assert passes(variant(tmp_path, CHAIR, "    weekdays: [fri]", "    weekdays: [thu, fri]")) == []


def test_chair_away_for_part_of_the_year_warns(tmp_path: Path):
    """Over the whole of 2027 both meetings fit after June, so the absence is no error; but
    every Friday PSO could meet on from 8 January to 18 June is taken, which is said."""
    whole_year = variant(tmp_path, CHAIR, "end: 2027-06-30}", "end: 2027-12-31}")
    assert passes(whole_year) == [
        "validate-chair-away.yaml:11 people[0].unavailable[0]: PSO's chair Ordförande PSO is "
        "away on all 23 days from 2027-01-08 to 2027-06-18 on which PSO could meet (PSO meets "
        "only on Fridays (line 21)), with no deputy: Ordförande PSO is away on Fridays "
        "2027-01-01 – 2027-06-30: Föräldraledig fredagar (line 11). Its meetings go around "
        "these days; if that is not meant: give the chair a deputy (chairs[0].deputy, line 19) "
        "or let PSO meet on another weekday too (line 21)."
    ]


FIXED = "validate-fixed-early.yaml"


def test_fixed_date_too_early_for_the_chain(tmp_path: Path):
    """BG is decided on Friday 9 January; AG must meet 8–42 days before, so from 28 November
    to 1 January (a holiday), and the period starts on 1 January. With AG on Friday 2 January
    (its first working day), Monday 12 January is the first day BG could have: 10 days later,
    and its kallelse on Monday 5 January comes after."""
    assert refused(DATA / FIXED, tmp_path) == [
        "validate-fixed-early.yaml:19 groups[0].fixed[0]: BG is fixed on 2026-01-09 (fredag), "
        "but no meeting of AG can prepare it: Each BG meeting needs a meeting of AG 8–42 days "
        "before it, before BG's kallelse (7 days ahead) (line 27), so AG would have to meet "
        "from 2025-11-28 to 2026-01-01, and then it has no possible day; the earliest BG could "
        "meet with its preparation in time is 2026-01-12 (måndag). Move the date, widen the "
        "lead window (line 27) or let AG meet earlier."
    ]


def test_fixed_date_passes_on_the_earliest_day(tmp_path: Path):
    """The date the message gives passes."""
    later = variant(tmp_path, FIXED, "date: 2026-01-09", "date: 2026-01-12")
    assert passes(later) == []


def test_fixed_date_one_day_before_the_earliest_is_refused(tmp_path: Path):
    """Thursday 8 January is refused the same way, with the same earliest day."""
    earlier = variant(tmp_path, FIXED, "date: 2026-01-09", "date: 2026-01-08")
    (error,) = refused(earlier, tmp_path)
    assert "BG is fixed on 2026-01-08 (torsdag), but no meeting of AG can prepare it" in error
    assert "is 2026-01-12 (måndag)" in error


TOO_MANY = "validate-too-many.yaml"


def test_more_meetings_than_days(tmp_path: Path):
    """The first quarter of 2026 has 62 working days (1 and 6 January are holidays); the
    coordinator is away on the 42 of February and March, and January's 20 hold five meetings a
    week apart (2, 9, 16, 23 and 30 January), not six."""
    assert refused(DATA / TOO_MANY, tmp_path) == [
        "validate-too-many.yaml:17 groups[0].meetings.years[0]: NAT needs 6 meetings in 2026 "
        "but only 5 fit at least 7 days apart (line 20): its attendees cannot all come on 42 of "
        "its 62 open days that year. Närvårdskoordinator is away 2026-02-01 – 2026-03-31: "
        "Tjänstledig (line 12) takes 42 of them. Change an absence or ask for fewer meetings."
    ]


def test_five_meetings_fit(tmp_path: Path):
    """Five meetings fit in January."""
    assert passes(variant(tmp_path, TOO_MANY, "min: 6, max: 6}]}", "min: 5, max: 6}]}")) == []


def test_more_meetings_than_the_calendar_has(tmp_path: Path):
    """Without anyone away, the calendar alone: the loader's message names the gap's line. The
    loader refuses such a file for every command, as a bad file (exit 2)."""
    busy = variant(tmp_path, TOO_MANY, "min: 6, max: 6}]}", "min: 14, max: 14}]}")
    assert refused(busy, tmp_path, code=2) == [
        "validate-too-many.yaml:17 groups[0].meetings: NAT needs 14 meetings in 2026 "
        "but only 13 fit (62 open days, at least 7 days apart, line 20)"
    ]


GAP = "validate-gap.yaml"


def test_gap_longer_than_the_maximum_warns(tmp_path: Path):
    """AG meets on Tuesdays at most 56 days apart; its chair is away March to May, so from
    Tuesday 24 February to Tuesday 2 June (98 days) it cannot meet: the 13 Tuesdays between."""
    assert passes(DATA / GAP) == [
        "validate-gap.yaml:21 groups[0].max_days_between: AG can meet on no day from "
        "2026-02-25 to 2026-06-01 (98 days between possible days, at most 56 between meetings): "
        "Ordförande AG is away 2026-03-01 – 2026-05-31: Tjänstledig (line 11) takes 13 of its "
        "days"
    ]


def test_gap_closes_with_a_deputy(tmp_path: Path):
    """The deputy chairs while the chair is away: every Tuesday is possible."""
    deputy = variant(
        tmp_path,
        GAP,
        "{person: ordf-ag, start: 2026-01-01, end: 2026-12-31}",
        "{person: ordf-ag, start: 2026-01-01, end: 2026-12-31, deputy: vice-ag}",
    )
    assert passes(deputy) == []


def test_a_file_with_as_of_is_checked_over_its_whole_period(tmp_path: Path):
    """``period.as_of`` is for re-plans (the meetings before it are read from the published
    plan). Sörmland 2026 as of 1 September still validates: the checks read the whole period,
    not a period whose first eight months have no days. A fresh plan as of that day has nothing
    to read the held meetings from and says so (exit 2), not that the rules cannot hold."""
    text = (ROOT / "scenarios" / "sormland-2026.yaml").read_text(encoding="utf-8")
    assert text.count("\nperiod:\n") == 1
    path = tmp_path / "sormland-2026.yaml"
    path.write_text(text.replace("\nperiod:\n", "\nperiod:\n  as_of: 2026-09-01\n"), "utf-8")
    checked = cli("validate", str(path))
    assert checked.exit_code == 0, checked.output
    planned = cli("plan", str(path), "--out", str(tmp_path / "out"), "--time-limit", "1")
    assert planned.exit_code == 2, planned.output
    assert "as of 2026-09-01, meetings before it count as held" in planned.stderr
