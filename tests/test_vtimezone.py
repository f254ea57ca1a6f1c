"""The feeds' VTIMEZONE: yearly RRULE observances that give zoneinfo's UTC time for every meeting,
read through the embedded VTIMEZONE by icalendar (dateutil's tzical) and by libical."""

import json
import shutil
import subprocess
import zoneinfo
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import icalendar
import pytest

from cadence import loader
from cadence.export import ics
from cadence.export.vtimezone import transitions, vtimezone
from cadence.plan import Meeting, Plan, uid_for
from tests.conftest import DATA

STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")
SWITCHES = (date(2026, 3, 29), date(2026, 10, 25), date(2027, 3, 28), date(2027, 10, 31))
EMBEDDED = b"Cadence/Embedded"
"""The TZID the readers see: no reader has a built-in zone of that name, so each must read the
feed's own VTIMEZONE."""

SYSTEM_PYTHON = "/usr/bin/python3"
LIBICAL_READER = """
import json, sys, gi
gi.require_version("ICalGLib", "3.0")
from gi.repository import ICalGLib as ICal
cal = ICal.Component.new_from_string(sys.stdin.read())
out = {}
kind = ICal.ComponentKind.VEVENT_COMPONENT
event = cal.get_first_component(kind)
while event is not None:
    start = event.get_dtstart()
    zone = start.get_timezone()
    assert zone is not None and zone.get_tzid() == sys.argv[1], zone
    out[event.get_uid()] = start.as_timet_with_zone(zone)
    event = cal.get_next_component(kind)
print(json.dumps(out))
"""


def around_switches() -> list[datetime]:
    """Meeting times in the week before and after each 2026 and 2027 switch, and on the
    switch day itself (at noon, well clear of the changing hour)."""
    moments = []
    for switch in SWITCHES:
        for offset, at in (
            (-7, time(13)),
            (-2, time(9)),
            (0, time(12)),
            (1, time(9)),
            (7, time(13)),
        ):
            moments.append(datetime.combine(switch + timedelta(days=offset), at, STOCKHOLM))
    return moments


@pytest.fixture(scope="module")
def two_year_feed():
    """alla.ics of a plan over 2026–2027 with meetings around every switch."""
    scenario = loader.load(DATA / "tiny.yaml").scenario
    scenario = replace(scenario, period=replace(scenario.period, end=date(2027, 12, 31)))
    meetings = tuple(
        Meeting(f"AGA-{n:02d}", uid_for(f"AGA-{n:02d}", "prov"), "AGA", start,
                start + timedelta(hours=2), "Nyköping", None)
        for n, start in enumerate(around_switches(), start=1)
    )  # fmt: skip
    _, files = ics.render_feeds(scenario, Plan(scenario.name, meetings))
    return meetings, files["alla.ics"]


def read_with_icalendar(data: bytes) -> dict[str, datetime]:
    """UID → UTC start, each local DTSTART put through the VTIMEZONE the feed carries."""
    cal = icalendar.Calendar.from_ical(data)
    (component,) = cal.walk("VTIMEZONE")
    zone = component.to_tz(lookup_tzid=False)
    result = {}
    for event in cal.walk("VEVENT"):
        assert event["DTSTART"].params["TZID"] == EMBEDDED.decode()
        local = event["DTSTART"].dt.replace(tzinfo=None)
        result[str(event["UID"])] = local.replace(tzinfo=zone).astimezone(UTC)
    return result


def read_with_libical(data: bytes) -> dict[str, datetime]:
    """The same through libical (C), run by the system Python, which has its GObject bindings."""
    done = subprocess.run(
        [SYSTEM_PYTHON, "-c", LIBICAL_READER, EMBEDDED.decode()],
        input=data.decode("utf-8"),
        capture_output=True,
        text=True,
        check=True,
    )
    return {uid: datetime.fromtimestamp(t, UTC) for uid, t in json.loads(done.stdout).items()}


def libical_available() -> bool:
    if not Path(SYSTEM_PYTHON).is_file() or shutil.which(SYSTEM_PYTHON) is None:
        return False
    probe = "import gi; gi.require_version('ICalGLib', '3.0'); from gi.repository import ICalGLib"
    return subprocess.run([SYSTEM_PYTHON, "-c", probe], capture_output=True).returncode == 0


def test_stockholm_is_two_yearly_rules_as_outlook_writes_it():
    """Europe/Stockholm: DAYLIGHT from the last Sunday of March 02:00, STANDARD from the last
    Sunday of October 03:00, yearly RRULEs, no RDATE lists, no COMMENT."""
    text = vtimezone("Europe/Stockholm", 2026, 2026).to_ical().decode()
    assert "RDATE" not in text and "COMMENT" not in text
    tz = icalendar.Timezone.from_ical(text)
    daylight, standard = tz.walk("DAYLIGHT"), tz.walk("STANDARD")
    assert len(daylight) == 1 and len(standard) == 1
    assert daylight[0]["DTSTART"].dt.time() == time(2, 0)
    assert standard[0]["DTSTART"].dt.time() == time(3, 0)
    assert "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3" in text
    assert "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10" in text
    assert "TZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200" in text.replace("TZNAME:CEST\r\n", "")


def test_transitions_are_zoneinfos():
    """Each derived transition is where zoneinfo's offset changes, to the minute."""
    for change in transitions(STOCKHOLM, 2026, 2027):
        instant = (change.local - change.before).replace(tzinfo=UTC)
        assert (instant - timedelta(minutes=1)).astimezone(STOCKHOLM).utcoffset() == change.before
        assert instant.astimezone(STOCKHOLM).utcoffset() == change.after
    assert [c.local.date() for c in transitions(STOCKHOLM, 2026, 2027)] == list(SWITCHES)


def test_zone_without_rule_falls_back_to_one_observance_per_change():
    """A zone that changed its rules inside the span (Brazil dropped summer time in 2019) is
    written change by change, still without RDATE."""
    text = vtimezone("America/Sao_Paulo", 2018, 2019).to_ical().decode()
    assert "RRULE" not in text and "RDATE" not in text
    assert text.count("BEGIN:DAYLIGHT") == 2  # Nov 2017 and Nov 2018 (none in 2019, 2020)


def test_zone_without_changes_is_one_standard_observance():
    """Asia/Tokyo: one STANDARD observance, offset to itself."""
    text = vtimezone("Asia/Tokyo", 2026, 2026).to_ical().decode()
    assert text.count("BEGIN:STANDARD") == 1 and "DAYLIGHT" not in text
    assert "TZOFFSETFROM:+0900" in text and "TZOFFSETTO:+0900" in text


def test_icalendar_reads_zoneinfos_utc_time_around_every_switch(two_year_feed):
    """Every meeting around the 2026 and 2027 switches, read through the embedded VTIMEZONE by
    icalendar, starts at zoneinfo's UTC time."""
    meetings, data = two_year_feed
    got = read_with_icalendar(data.replace(b"Europe/Stockholm", EMBEDDED))
    assert got == {m.uid: m.start.astimezone(UTC) for m in meetings}


@pytest.mark.skipif(not libical_available(), reason="libical's GObject bindings (gir1.2-ical-3.0)")
def test_libical_reads_zoneinfos_utc_time_around_every_switch(two_year_feed):
    """The same meetings read by libical give the same UTC times."""
    meetings, data = two_year_feed
    got = read_with_libical(data.replace(b"Europe/Stockholm", EMBEDDED))
    assert got == {m.uid: m.start.astimezone(UTC) for m in meetings}


def test_published_feeds_read_the_same_in_both_readers(tiny_published):
    """Every meeting of a solved plan, through both readers, at zoneinfo's UTC time."""
    _, plan, folder = tiny_published
    data = (folder / "alla.ics").read_bytes().replace(b"Europe/Stockholm", EMBEDDED)
    want = {m.uid: m.start.astimezone(UTC) for m in plan.meetings}
    assert read_with_icalendar(data) == want
    if libical_available():
        assert read_with_libical(data) == want
