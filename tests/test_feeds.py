"""The iCalendar feeds: content, structure, identity, and two independent parsers."""

from dataclasses import replace
from pathlib import Path

import icalendar
import pytest
import vobject

from cadence import sv
from cadence.export import ics, publish
from cadence.instance import attendees
from cadence.plan import ascii_slug


def feeds(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*.ics"))}


def events(data: bytes) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(data).walk("VEVENT"))


def test_one_feed_per_group_person_and_all(tiny_published):
    scenario, plan, folder = tiny_published
    names = set(feeds(folder))
    assert "alla.ics" in names
    for group in scenario.groups:
        assert f"grupper/{ascii_slug(group.id)}.ics" in names
    attending = {
        p for m in plan.meetings for p in attendees(scenario.group(m.group), m.start.date())
    }
    assert {n for n in names if n.startswith("personer/")} == {
        f"personer/{ascii_slug(p)}.ics" for p in attending
    }
    assert all(name.isascii() for name in names)


def test_each_feed_holds_exactly_its_meetings(tiny_published):
    scenario, plan, folder = tiny_published
    files = feeds(folder)
    uid_of = {m.uid: m for m in plan.meetings}
    assert sorted(str(e["UID"]) for e in events(files["alla.ics"])) == sorted(uid_of)
    for group in scenario.groups:
        got = {str(e["UID"]) for e in events(files[f"grupper/{ascii_slug(group.id)}.ics"])}
        assert got == {m.uid for m in plan.meetings if m.group == group.id}
    for person in scenario.people:
        path = f"personer/{ascii_slug(person.id)}.ics"
        if path not in files:
            continue
        got = {str(e["UID"]) for e in events(files[path])}
        assert got == {
            m.uid
            for m in plan.meetings
            if person.id in attendees(scenario.group(m.group), m.start.date())
        }


def test_calendar_properties(tiny_published):
    _, _, folder = tiny_published
    for name, data in feeds(folder).items():
        cal = icalendar.Calendar.from_ical(data)
        assert cal["VERSION"] == "2.0" and cal["METHOD"] == "PUBLISH", name
        assert str(cal["PRODID"]).startswith("-//cadence//")
        assert cal["NAME"] == cal["X-WR-CALNAME"]
        assert "UID" not in cal, "a calendar-level UID makes some clients merge calendars"
        assert b"REFRESH-INTERVAL;VALUE=DURATION:PT12H\r\n" in data
        assert b"X-PUBLISHED-TTL:PT12H\r\n" in data
        tzids = {str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")}
        for event in cal.walk("VEVENT"):
            for key in ("DTSTART", "DTEND"):
                if name == ics.COORDINATOR:  # all-day reminders: dates, no zone
                    assert event[key].params.get("VALUE") == "DATE", (name, key)
                    continue
                assert event[key].params["TZID"] in tzids, (name, key)
        uids = [str(e["UID"]) for e in cal.walk("VEVENT")]
        assert len(uids) == len(set(uids)), name


def test_event_content_in_swedish(tiny_published):
    scenario, plan, folder = tiny_published
    by_uid = {str(e["UID"]): e for e in events(feeds(folder)["alla.ics"])}
    for meeting in plan.meetings:
        event = by_uid[meeting.uid]
        group = scenario.group(meeting.group)
        assert meeting.group in event.categories and group.kind in event.categories
        same_year = [m for m in plan.meetings if m.group == meeting.group]
        same_year = [m for m in same_year if m.start.year == meeting.start.year]
        number = sorted(same_year, key=lambda m: m.start).index(meeting) + 1
        assert str(event["SUMMARY"]).startswith(
            f"{group.id} – {group.name}, möte {number} av {len(same_year)}"
        )
        assert event.start == meeting.start and event.end == meeting.end
        assert str(event.start.tzinfo) == "Europe/Stockholm"
        text = str(event["DESCRIPTION"])
        for line in meeting.agenda:
            assert f"- {line}" in text
        if meeting.prepares:
            assert "Bereder " in text
        if meeting.prepared_by:
            assert "Bereds av " in text
        assert event["SEQUENCE"] == 0
        assert event["DTSTAMP"].dt == event["LAST-MODIFIED"].dt
        assert event["DTSTAMP"].dt.utcoffset().total_seconds() == 0
        assert "ORGANIZER" not in event and "ATTENDEE" not in event  # no addresses in tiny


def test_prepares_names_the_day_in_swedish(tiny_published):
    _, plan, folder = tiny_published
    by_uid = {str(e["UID"]): e for e in events(feeds(folder)["alla.ics"])}
    by_id = {m.id: m for m in plan.meetings}
    source = next(m for m in plan.meetings if m.prepares)
    target = by_id[source.prepares[0]]
    assert f"Bereder {target.group} {sv.day_month(target.start.date())}" in str(
        by_uid[source.uid]["DESCRIPTION"]
    )


def test_same_meeting_identical_in_every_feed(tiny_published):
    _, _, folder = tiny_published
    seen: dict[str, bytes] = {}
    for name, data in feeds(folder).items():
        for event in events(data):
            text = event.to_ical()
            uid = str(event["UID"])
            assert seen.setdefault(uid, text) == text, (name, uid)


def test_a_second_parser_reads_every_feed(tiny_published):
    """vobject, independent of icalendar, reads the same events and times."""
    _, plan, folder = tiny_published
    starts = {m.uid: m.start for m in plan.meetings}
    days = {ics.notice_uid(m): m.notice for m in plan.meetings}  # the coordinator's reminders
    days |= {ics.due_uid(m, g): d for m in plan.meetings for g, d in m.results_due}
    for name, data in feeds(folder).items():
        cal = vobject.readOne(data.decode("utf-8"))
        for event in cal.vevent_list:
            if event.uid.value in days:
                assert event.dtstart.value == days[event.uid.value], name
                continue
            assert event.dtstart.value == starts[event.uid.value], name
            assert event.dtstart.value.utcoffset() == starts[event.uid.value].utcoffset()


def test_addresses_become_organizer_and_attendees(tiny_published):
    scenario, plan, _ = tiny_published
    people = tuple(replace(p, email=f"{ascii_slug(p.id)}@example.se") for p in scenario.people)
    with_mail = replace(scenario, people=people)
    data = publish(with_mail, plan)["alla.ics"]
    for event in events(data):
        meeting = next(m for m in plan.meetings if m.uid == str(event["UID"]))
        assert str(event["ORGANIZER"]) == f"mailto:{ascii_slug(meeting.chair)}@example.se"
        found = event.get("ATTENDEE", [])
        mails = {str(a) for a in (found if isinstance(found, list) else [found])}
        expected = attendees(scenario.group(meeting.group), meeting.start.date())
        assert mails == {f"mailto:{ascii_slug(p)}@example.se" for p in expected}


def test_same_plan_same_bytes(tiny_published):
    scenario, plan, folder = tiny_published
    again = publish(scenario, plan)
    for name, data in again.items():
        assert (folder / name).read_bytes() == data, name


@pytest.mark.parametrize("as_of", [None, "2026-03-01"])
def test_stamps_come_from_the_plan_not_the_clock(tiny_published, as_of):
    from datetime import date

    scenario, plan, _ = tiny_published
    day = date.fromisoformat(as_of) if as_of else scenario.period.start
    data = ics.render_feeds(scenario, plan, None, day if as_of else None)[1]["alla.ics"]
    assert {e["DTSTAMP"].dt.date() for e in events(data)} == {day}
    stamps = {plan.meetings[0].uid: ics.Stamp(3, ics.default_stamp(scenario).modified)}
    data = ics.render_feeds(scenario, plan, stamps)[1]["alla.ics"]
    sequence = {str(e["UID"]): e["SEQUENCE"] for e in events(data)}
    assert sequence[plan.meetings[0].uid] == 3
    assert sum(sequence.values()) == 3


def test_lines_are_folded_crlf_and_every_event_is_stamped(tiny_published):
    _, _, folder = tiny_published
    for name, data in feeds(folder).items():
        assert data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b""), name
        for line in data.split(b"\r\n"):
            assert len(line) <= 75, (name, line)
            line.decode("utf-8")  # never folded inside a character
        for event in events(data):
            assert "DTSTAMP" in event and "UID" in event and "SEQUENCE" in event
