"""The iCalendar feeds: content, structure, identity, and two independent parsers."""

from dataclasses import replace
from datetime import date
from pathlib import Path

import icalendar
import pytest
import vobject

from cadence import loader, solver, sv
from cadence.export import ics, publish
from cadence.plan import ascii_slug
from cadence.planning import make_plan
from tests.conftest import DATA


def attendees(group, day) -> list[str]:
    """Who sits in a meeting, read from the scenario here: the chair of the day, then members."""
    chairs = [t.person for t in group.chairs if t.start <= day <= t.end]
    return list(dict.fromkeys([*chairs[:1], *group.members]))


def feeds(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*.ics"))}


def events(data: bytes) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(data).walk("VEVENT"))


def test_one_feed_per_group_person_and_all(tiny_published):
    """One feed for everything, one per group, one per person who attends; ASCII names."""
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
    """Each feed holds its group's or person's meetings, no more, no fewer."""
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
    """Every feed has the calendar-level properties clients need, and no calendar UID."""
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
    """Each event's summary numbers the meeting in its group's year; times, agenda and chain."""
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
    """A preparing meeting names the day it prepares in Swedish ("Bereder BG 23 februari")."""
    _, plan, folder = tiny_published
    by_uid = {str(e["UID"]): e for e in events(feeds(folder)["alla.ics"])}
    by_id = {m.id: m for m in plan.meetings}
    source = next(m for m in plan.meetings if m.prepares)
    target = by_id[source.prepares[0]]
    assert f"Bereder {target.group} {sv.day_month(target.start.date())}" in str(
        by_uid[source.uid]["DESCRIPTION"]
    )


def test_same_meeting_identical_in_every_feed(tiny_published):
    """A meeting is the same bytes in every feed it is in."""
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
    """With e-mail addresses the chair organises and everyone attending is listed."""
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
    """Publishing the same plan again gives the same bytes."""
    scenario, plan, folder = tiny_published
    again = publish(scenario, plan)
    for name, data in again.items():
        assert (folder / name).read_bytes() == data, name


@pytest.mark.parametrize("as_of", [None, "2026-03-01"])
def test_stamps_come_from_the_plan_not_the_clock(tiny_published, as_of):
    """DTSTAMP and SEQUENCE come from the stamps given, never from the clock."""

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
    """Lines end in CRLF, fold at 75 octets between characters; every event has DTSTAMP, UID, SEQUENCE."""
    _, _, folder = tiny_published
    for name, data in feeds(folder).items():
        assert data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b""), name
        for line in data.split(b"\r\n"):
            assert len(line) <= 75, (name, line)
            line.decode("utf-8")  # never folded inside a character
        for event in events(data):
            assert "DTSTAMP" in event and "UID" in event and "SEQUENCE" in event


# -- What a person reads, checked by hand on tests/data/feeds.yaml (every meeting fixed) ------


@pytest.fixture(scope="module")
def readable():
    """The feeds scenario planned (its meetings are all fixed) and its feeds rendered."""
    scenario = loader.load(DATA / "feeds.yaml").scenario
    plan = make_plan(scenario, "feeds", solver.Settings(time_limit=5)).plan
    return scenario, plan


def rendered(scenario, plan) -> dict[str, bytes]:
    """Every feed's bytes, from the exporter alone."""
    return ics.render_feeds(scenario, plan)[1]


def by_summary(data: bytes) -> dict[str, icalendar.Event]:
    return {str(e["SUMMARY"]): e for e in events(data)}


def roles(event: icalendar.Event) -> dict[str, str]:
    """Attendee address → ROLE."""
    found = event.get("ATTENDEE", [])
    found = found if isinstance(found, list) else [found]
    return {str(a): a.params["ROLE"] for a in found}


def test_what_the_nämnd_reads(readable):
    """The Easter meeting: title, time, place, chair, agenda, chain and a kallelse on 2 April."""
    scenario, plan = readable
    event = by_summary(rendered(scenario, plan)["grupper/naem.ics"])[
        "NÄM – Nämnden för samverkan, möte 1 av 2: Budgetdialog"
    ]
    assert event["DTSTART"].to_ical() == b"20260413T130000"
    assert event["DTSTART"].params["TZID"] == "Europe/Stockholm"
    assert event["DTEND"].to_ical() == b"20260413T143000"
    assert str(event["LOCATION"]) == "Regionhuset, Nyköping"
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["TRANSP"]) == "OPAQUE"
    assert str(event["DESCRIPTION"]) == (
        "Dagordning:\n- Budget 2027\n\n"
        "Bereds av AG 31 mars.\n\n"
        "Ordförande: Bo Kommun.\n\n"
        "Kallelse senast 2 april. Mötes-id NÄM-2026-01."
    )
    assert str(event["ORGANIZER"]) == "mailto:bo@example.se"
    assert event["ORGANIZER"].params["CN"] == "Bo Kommun"
    # The secretary has no address, so only two of the three attendees are listed.
    assert roles(event) == {
        "mailto:bo@example.se": "CHAIR",
        "mailto:nvk@example.se": "REQ-PARTICIPANT",
    }


def test_what_the_arbetsgrupp_reads_before_and_after_the_chair_changes(readable):
    """Anna Region chairs in March, Bo Kommun in September; kallelse 26 March and 27 August."""
    scenario, plan = readable
    found = by_summary(rendered(scenario, plan)["grupper/ag.ics"])
    march = found["AG – Arbetsgrupp äldre, möte 1 av 2"]
    september = found["AG – Arbetsgrupp äldre, möte 2 av 2"]
    assert str(march["DESCRIPTION"]) == (
        "Bereder NÄM 13 april.\n\nOrdförande: Anna Region.\n\n"
        "Kallelse senast 26 mars. Mötes-id AG-2026-01."
    )
    assert roles(march) == {
        "mailto:anna@example.se": "CHAIR",
        "mailto:nvk@example.se": "REQ-PARTICIPANT",
    }
    assert str(september["DESCRIPTION"]) == (
        "Bereder NÄM 15 september.\n\nOrdförande: Bo Kommun.\n\n"
        "Kallelse senast 27 augusti. Mötes-id AG-2026-02."
    )
    assert roles(september) == {
        "mailto:bo@example.se": "CHAIR",
        "mailto:nvk@example.se": "REQ-PARTICIPANT",
    }
    assert str(september["ORGANIZER"]) == "mailto:bo@example.se"
    assert str(march["LOCATION"]) == "Teams"
    assert march["DTSTART"].to_ical() == b"20260331T090000"


def test_each_person_reads_the_meetings_they_sit_in(readable):
    """Anna only chairs AG in spring; the secretary sits only in the nämnd; Bo in three; the
    person in no group has no feed."""
    scenario, plan = readable
    files = rendered(scenario, plan)
    summaries = {
        name: sorted(str(e["SUMMARY"]) for e in events(data))
        for name, data in files.items()
        if name.startswith("personer/")
    }
    assert summaries == {
        "personer/ordf-region.ics": ["AG – Arbetsgrupp äldre, möte 1 av 2"],
        "personer/ordf-kommun.ics": [
            "AG – Arbetsgrupp äldre, möte 2 av 2",
            "NÄM – Nämnden för samverkan, möte 1 av 2: Budgetdialog",
            "NÄM – Nämnden för samverkan, möte 2 av 2",
        ],
        "personer/sekr.ics": [
            "NÄM – Nämnden för samverkan, möte 1 av 2: Budgetdialog",
            "NÄM – Nämnden för samverkan, möte 2 av 2",
        ],
        "personer/nvk.ics": [
            "AG – Arbetsgrupp äldre, möte 1 av 2",
            "AG – Arbetsgrupp äldre, möte 2 av 2",
            "NÄM – Nämnden för samverkan, möte 1 av 2: Budgetdialog",
            "NÄM – Nämnden för samverkan, möte 2 av 2",
        ],
    }


def test_a_cancelled_meeting_reads_inställt(readable):
    """AG's September meeting cancelled: INSTÄLLT in the title, STATUS:CANCELLED, still opaque."""
    scenario, plan = readable
    gone = plan.meeting("AG-2026-02")
    cancelled = replace(
        plan,
        meetings=tuple(m for m in plan.meetings if m.id != gone.id),
        cancelled=(gone,),
    )
    found = by_summary(rendered(scenario, cancelled)["alla.ics"])
    event = found["INSTÄLLT: AG – Arbetsgrupp äldre"]
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["DESCRIPTION"]) == "Mötet AG-2026-02 är inställt."
    assert str(event["TRANSP"]) == "OPAQUE"
    assert str(found["AG – Arbetsgrupp äldre, möte 1 av 1"]["STATUS"]) == "CONFIRMED"


def test_no_organizer_without_an_address(readable):
    """A chair without an e-mail address gives no ORGANIZER, and nobody without one attends."""
    scenario, plan = readable
    people = tuple(replace(p, email=None) if p.id == "ordf-kommun" else p for p in scenario.people)
    data = rendered(replace(scenario, people=people), plan)["grupper/naem.ics"]
    for event in events(data):
        assert "ORGANIZER" not in event
        assert roles(event) == {"mailto:nvk@example.se": "REQ-PARTICIPANT"}


def test_digest_changes_with_the_text_only(readable):
    """A meeting's digest (what subscribers would see change) is 16 hex digits, the same for
    the same plan, and changes for that meeting alone when its place changes."""
    scenario, plan = readable
    before = ics.digests(scenario, plan)
    assert before == ics.digests(scenario, plan)
    assert all(len(d) == 16 and int(d, 16) >= 0 for d in before.values())
    moved = replace(
        plan,
        meetings=tuple(
            replace(m, location="Stadshuset") if m.id == "AG-2026-02" else m for m in plan.meetings
        ),
    )
    after = ics.digests(scenario, moved)
    changed = {uid for uid in before if before[uid] != after[uid]}
    assert changed == {plan.meeting("AG-2026-02").uid}


def test_what_a_subscriber_sees_of_the_calendar(readable):
    """The feeds' names, descriptions and zone as a calendar app shows them (read by vobject,
    which unescapes X- properties too); public events with the group and its kind."""
    scenario, plan = readable
    files = rendered(scenario, plan)

    def header(path: str) -> dict[str, str]:
        cal = vobject.readOne(files[path].decode("utf-8"))
        names = ("name", "x-wr-calname", "description", "x-wr-caldesc", "x-wr-timezone",
                 "calscale")  # fmt: skip
        return {n: cal.contents[n][0].value for n in names}

    assert header("grupper/ag.ics") == {
        "name": "AG – Arbetsgrupp äldre",
        "x-wr-calname": "AG – Arbetsgrupp äldre",
        "description": "Möten i Arbetsgrupp äldre (arbetsgrupp), 2 under perioden.",
        "x-wr-caldesc": "Möten i Arbetsgrupp äldre (arbetsgrupp), 2 under perioden.",
        "x-wr-timezone": "Europe/Stockholm",
        "calscale": "GREGORIAN",
    }
    person = header("personer/sekr.ics")
    assert person["x-wr-calname"] == "Sekreterare – möten"
    assert person["x-wr-caldesc"] == "De möten i Flöden att läsa som Sekreterare deltar i."
    assert header("alla.ics")["x-wr-caldesc"] == (
        "Alla möten i Flöden att läsa, 2026-01-01–2026-12-31."
    )
    everything = icalendar.Calendar.from_ical(files["alla.ics"])
    assert {str(e["CLASS"]) for e in everything.walk("VEVENT")} == {"PUBLIC"}
    assert {tuple(map(str, e["CATEGORIES"].cats)) for e in everything.walk("VEVENT")} == {
        ("AG", "arbetsgrupp"), ("NÄM", "nämnd"),
    }  # fmt: skip


def test_meetings_are_numbered_by_date_in_any_order(readable):
    """A plan read from an edited file may list meetings in any order: March is still möte 1."""
    scenario, plan = readable
    backwards = replace(plan, meetings=tuple(reversed(plan.meetings)))
    found = by_summary(rendered(scenario, backwards)["grupper/ag.ics"])
    assert found["AG – Arbetsgrupp äldre, möte 1 av 2"]["DTSTART"].to_ical() == b"20260331T090000"
    assert found["AG – Arbetsgrupp äldre, möte 2 av 2"]["DTSTART"].to_ical() == b"20260901T090000"
