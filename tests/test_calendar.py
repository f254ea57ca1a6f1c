"""The Swedish working-day calendar against the official lists, and the day-set forms."""

from datetime import date, time

import pytest

from cadence.calendar import WorkCalendar
from cadence.scenario import Blackout, CalendarRules, Days, Period

# Röda dagar per lagen (1989:253) om allmänna helgdagar, written out by hand, not derived.
OFFICIAL_PUBLIC = {
    2026: {
        "2026-01-01": "Nyårsdagen", "2026-01-06": "Trettondedag jul",
        "2026-04-03": "Långfredagen", "2026-04-05": "Påskdagen", "2026-04-06": "Annandag påsk",
        "2026-05-01": "Första maj", "2026-05-14": "Kristi himmelsfärdsdag",
        "2026-05-24": "Pingstdagen", "2026-06-06": "Nationaldagen",
        "2026-06-20": "Midsommardagen", "2026-10-31": "Alla helgons dag",
        "2026-12-25": "Juldagen", "2026-12-26": "Annandag jul",
    },
    2027: {
        "2027-01-01": "Nyårsdagen", "2027-01-06": "Trettondedag jul",
        "2027-03-26": "Långfredagen", "2027-03-28": "Påskdagen", "2027-03-29": "Annandag påsk",
        "2027-05-01": "Första maj", "2027-05-06": "Kristi himmelsfärdsdag",
        "2027-05-16": "Pingstdagen", "2027-06-06": "Nationaldagen",
        "2027-06-26": "Midsommardagen", "2027-11-06": "Alla helgons dag",
        "2027-12-25": "Juldagen", "2027-12-26": "Annandag jul",
    },
    2028: {
        "2028-01-01": "Nyårsdagen", "2028-01-06": "Trettondedag jul",
        "2028-04-14": "Långfredagen", "2028-04-16": "Påskdagen", "2028-04-17": "Annandag påsk",
        "2028-05-01": "Första maj", "2028-05-25": "Kristi himmelsfärdsdag",
        "2028-06-04": "Pingstdagen", "2028-06-06": "Nationaldagen",
        "2028-06-24": "Midsommardagen", "2028-11-04": "Alla helgons dag",
        "2028-12-25": "Juldagen", "2028-12-26": "Annandag jul",
    },
}  # fmt: skip
# De facto holidays (semesterlagen treats them as Sundays): midsommar-, jul- och nyårsafton.
OFFICIAL_DE_FACTO = {
    2026: {"2026-06-19": "Midsommarafton", "2026-12-24": "Julafton", "2026-12-31": "Nyårsafton"},
    2027: {"2027-06-25": "Midsommarafton", "2027-12-24": "Julafton", "2027-12-31": "Nyårsafton"},
    2028: {"2028-06-23": "Midsommarafton", "2028-12-24": "Julafton", "2028-12-31": "Nyårsafton"},
}


def year_calendar(year: int, **rules) -> WorkCalendar:
    return WorkCalendar(
        CalendarRules(**rules), Period(start=date(year, 1, 1), end=date(year, 12, 31))
    )


@pytest.mark.parametrize("year", [2026, 2027, 2028])
def test_blocked_holidays_match_official_lists(year: int):
    """Default categories block exactly the röda dagar plus the three de facto holidays."""
    cal = year_calendar(year)
    expected = {**OFFICIAL_PUBLIC[year], **OFFICIAL_DE_FACTO[year]}
    assert {str(d): n for d, n in cal.holidays.items() if d.year == year} == expected


@pytest.mark.parametrize("year", [2026, 2027, 2028])
def test_public_only_leaves_de_facto_days_open(year: int):
    """With only the public category, midsommarafton is a working day (if it is a weekday)."""
    cal = year_calendar(year, holiday_categories=("public",))
    assert {str(d) for d in cal.holidays if d.year == year} == set(OFFICIAL_PUBLIC[year])
    midsommarafton = next(d for d, n in OFFICIAL_DE_FACTO[year].items() if n == "Midsommarafton")
    assert cal.is_working_day(date.fromisoformat(midsommarafton))


def test_midsommarafton_2026_listed_with_week():
    """The coordinator's list has midsommarafton 2026 as a holiday in ISO week 25."""
    cal = year_calendar(2026)
    (note,) = [n for n in cal.notes() if n.day == date(2026, 6, 19)]
    assert (note.kind, note.name, note.day.isocalendar().week) == ("holiday", "Midsommarafton", 25)
    assert not cal.is_working_day(date(2026, 6, 19))


def test_half_days_2026():
    """The four "från kl. 14.00" days of 2026 are half days; afternoon meetings do not fit."""
    cal = year_calendar(2026)
    assert {str(d): t for d, (t, _) in cal.half_days.items() if d.year == 2026} == {
        "2026-01-05": time(14),
        "2026-04-02": time(14),
        "2026-04-30": time(14),
        "2026-10-30": time(14),
    }
    skartorsdagen = date(2026, 4, 2)
    assert cal.fits(skartorsdagen, time(9), time(12))
    assert not cal.fits(skartorsdagen, time(13), time(16))
    assert year_calendar(2026, half_days_block_afternoon=False).fits(
        skartorsdagen, time(13), time(16)
    )


def test_weekends_are_not_working_days():
    """Saturdays are not working days; 2026 has 261 weekdays less ten holidays on them."""
    cal = year_calendar(2026)
    assert not cal.is_working_day(date(2026, 3, 7))  # a Saturday
    assert cal.is_working_day(date(2026, 3, 9))
    # 261 weekdays less the ten holidays that fall on one: 1/1, 6/1, 3/4, 6/4, 1/5, 14/5,
    # midsommarafton 19/6, julafton, juldagen and nyårsafton.
    assert len(cal.working_days()) == 261 - 10


def test_2026_has_53_iso_weeks_and_17_april_is_week_16():
    """Week 53 of 2026 is 28–31 December (in the period); week 16 is 13–19 April."""
    cal = year_calendar(2026, blackouts=(Blackout(name="v53", weeks=(53,)),))
    assert cal.blackout.keys() == {date(2026, 12, d) for d in range(28, 32)}
    cal = year_calendar(2026, blackouts=(Blackout(name="v16", weeks=(16,)),))
    assert cal.blackout.keys() == {date(2026, 4, d) for d in range(13, 20)}


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        (Days(dates=(date(2026, 3, 2), date(2026, 3, 4))), {"2026-03-02", "2026-03-04"}),
        (Days(start=date(2026, 3, 30), end=date(2026, 4, 1)), {"2026-03-30", "2026-03-31", "2026-04-01"}),
        (Days(weeks=(8,), year=2026), {f"2026-02-{d}" for d in range(16, 23)}),
        (Days(every_year_from="12-30", every_year_to="01-02"),
         {"2026-01-01", "2026-01-02", "2026-12-30", "2026-12-31"}),
        (Days(holidays=("klämdag",)), {"2026-05-15"}),
        (Days(weekdays=("mon",), start=date(2026, 3, 1), end=date(2026, 3, 20)),
         {"2026-03-02", "2026-03-09", "2026-03-16"}),
    ],
)  # fmt: skip
def test_days_forms(days: Days, expected: set[str]):
    """Each form of a day set names exactly the days it says (recurring ranges wrap New Year)."""
    assert {str(d) for d in year_calendar(2026).expand(days)} == expected


def test_blackout_and_avoid_notes():
    """Breaks block days; avoid periods only discourage, with their weight."""
    from cadence.scenario import Avoid

    cal = year_calendar(
        2026,
        blackouts=(Blackout(name="Jul", every_year_from="12-21", every_year_to="01-06"),),
        avoid=(Avoid(name="Sportlov", weeks=(8,), weight=3),),
    )
    assert not cal.is_working_day(date(2026, 12, 22))
    assert cal.blocked_reason(date(2026, 12, 22)) == "Jul"
    assert cal.is_working_day(date(2026, 2, 17))
    assert cal.avoid_weight(date(2026, 2, 17)) == 3
    kinds = {(n.day, n.kind) for n in cal.notes()}
    assert (date(2026, 2, 17), "avoid") in kinds
    assert (date(2026, 12, 22), "blackout") in kinds
    assert (date(2026, 2, 21), "avoid") not in kinds  # a Saturday: nothing to avoid


def test_result_due_the_working_day_before_the_notice():
    """A result is due the working day before the kallelse (over a weekend and Good Friday),
    but never before the meeting that produces it."""
    cal = year_calendar(2026)
    assert cal.result_due_day(date(2026, 3, 16), date(2026, 3, 3)) == date(2026, 3, 13)
    assert cal.result_due_day(date(2026, 4, 7), date(2026, 3, 24)) == date(2026, 4, 2)
    assert cal.result_due_day(date(2026, 3, 16), date(2026, 3, 16)) == date(2026, 3, 16)
