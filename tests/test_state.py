"""plan.json is input: every damaged state is refused with exit 2, naming the record, and
nothing is written; a sound one (a held meeting on a Saturday included) is accepted."""

import json
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from cadence.cli import main
from cadence.plan import Meeting, Plan
from cadence.state import Record, State, held_as_published, read
from tests.conftest import DATA

SCENARIO = str(DATA / "micro.yaml")


def cli(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.fixture(scope="module")
def published_once(tmp_path_factory):
    out = tmp_path_factory.mktemp("state") / "out"
    result = cli("plan", SCENARIO, "--out", str(out), "--time-limit", "5")
    assert result.exit_code == 0, result.output
    return {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}


@pytest.fixture
def published(published_once, tmp_path):
    out = tmp_path / "out"
    for name, data in published_once.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_bytes(data)
    return out


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def edit(folder: Path, change) -> None:
    path = folder / "plan.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    change(document)
    path.write_text(json.dumps(document), encoding="utf-8")


def first_of(group: str):
    return lambda d: next(m for m in d["meetings"] if m["group"] == group)


def _duplicate_uid(d):
    d["meetings"][1]["uid"] = d["meetings"][0]["uid"]


def _duplicate_id(d):
    d["meetings"][1]["id"] = d["meetings"][0]["id"]


def _deleted(d):
    d["meetings"] = [m for m in d["meetings"] if m["id"] != "AG-2026-03"]


def _end_before_start(d):
    m = d["meetings"][0]
    m["end"] = m["start"]


def _saturday(d):
    m = d["meetings"][0]
    m["start"], m["end"] = "2026-03-07T09:00:00+01:00", "2026-03-07T11:00:00+01:00"


def _year_2031(d):
    m = d["meetings"][0]
    m["start"], m["end"] = "2031-03-04T09:00:00+01:00", "2031-03-04T11:00:00+01:00"


def _negative_sequence(d):
    d["meetings"][0]["sequence"] = -1


def _unknown_change(d):
    d["changes"] = [{"action": "cancel", "meeting": "AG-2026-09", "group": "AG", "day": None,
                     "start": None}]  # fmt: skip


def _no_meetings(d):
    d["meetings"] = []


def _unknown_group(d):
    d["meetings"][0]["group"] = "BGX"


DAMAGE = {
    "two records with one UID": (_duplicate_uid, "on 2 records"),
    "a deleted record": (_deleted, "ag-2026-03.micro@cadence: in alla.ics but without a record"),
    "one id on two records": (_duplicate_id, "its id is on 2 records"),
    "end before start": (_end_before_start, "before it starts"),
    "planned on a Saturday": (_saturday, "not a working day"),
    "planned in 2031": (_year_2031, "outside the period"),
    "negative SEQUENCE": (_negative_sequence, "sequence"),
    "a change naming an unknown meeting": (_unknown_change, "AG-2026-09"),
    "no meetings beside the feeds": (_no_meetings, "meetings: empty"),
    "an unknown group": (_unknown_group, "BGX"),
}


@pytest.mark.parametrize("damage", DAMAGE, ids=list(DAMAGE))
def test_damaged_state_exits_2_and_writes_nothing(published, damage):
    """Each damage found in the field: exit 2, the record named, not a byte written."""
    change, named = DAMAGE[damage]
    edit(published, change)
    before = snapshot(published)
    result = cli("plan", SCENARIO, "--out", str(published), "--as-of", "2026-01-01",
                 "--time-limit", "5")  # fmt: skip
    assert result.exit_code == 2, result.output
    assert named in result.output and "Traceback" not in result.output
    assert snapshot(published) == before


@pytest.mark.parametrize(
    "text, named",
    [
        (lambda t: t.replace('"sequence": 0', '"sequence": 1e400', 1), "sequence"),
        (lambda t: t.replace('"sequence": 0', '"sequence": NaN', 1), "NaN"),
        (
            lambda t: '{"format": "cadence-state/2", "x": ' + "[" * 100_000 + "]" * 100_000 + "}",
            "nested",
        ),
        (lambda t: t.replace('"sequence": 0', '"sequence": true', 1), "sequence"),
        (lambda t: "[]", "not a JSON object"),
    ],
    ids=["sequence 1e400", "NaN", "nested 100,000 deep", "sequence true", "a list"],
)
def test_unreadable_state_exits_2_without_a_traceback(published, text, named):
    """Numbers and nesting that used to end in a traceback: exit 2 and a sentence."""
    path = published / "plan.json"
    path.write_text(text(path.read_text(encoding="utf-8")), encoding="utf-8")
    before = snapshot(published)
    result = cli("plan", SCENARIO, "--out", str(published), "--time-limit", "5")
    assert result.exit_code == 2, result.output
    assert named in result.output
    assert isinstance(result.exception, SystemExit)  # a clean exit, not a traceback
    assert snapshot(published) == before


def test_oversized_state_is_refused(published):
    """A plan.json beyond the size cap is not read at all."""
    (published / "plan.json").write_bytes(b" " * (16 * 1024 * 1024 + 1))
    result = cli("plan", SCENARIO, "--out", str(published), "--time-limit", "5")
    assert result.exit_code == 2 and "larger than" in result.output


def test_a_held_meeting_may_have_been_on_any_day(published):
    """Only planned meetings must be on working days: a held one took place where it did."""

    def saturday_held(d):
        m = first_of("AG")(d)
        m["start"], m["end"] = "2026-03-07T09:00:00+01:00", "2026-03-07T11:00:00+01:00"
        m["status"] = "held"

    edit(published, saturday_held)
    state = read(published / "plan.json")
    assert any(r.status == "held" and r.start.weekday() == 5 for r in state.records)
    result = cli("plan", SCENARIO, "--out", str(published), "--as-of", "2026-03-10",
                 "--time-limit", "5", "--dry-run")  # fmt: skip
    assert result.exit_code == 0, result.output


def test_format_1_is_still_read(published):
    """A state written before agenda items were part of it is read (its records carry none)."""

    def old(d):
        d["format"] = "cadence-state/1"
        for m in d["meetings"]:
            del m["items"]

    edit(published, old)
    state = read(published / "plan.json")
    assert not state.tracks_items and all(r.items == () for r in state.records)
    result = cli("plan", SCENARIO, "--out", str(published), "--as-of", "2026-01-01",
                 "--time-limit", "5")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert read(published / "plan.json").tracks_items


def test_a_folded_uid_in_the_feed_is_read_whole(published):
    """A long UID folded over two lines in alla.ics is still the record's UID."""
    feed = published / "alla.ics"
    text = feed.read_bytes().decode("utf-8")
    uid = read(published / "plan.json").records[0].uid
    folded = text.replace(f"UID:{uid}\r\n", f"UID:{uid[:5]}\r\n {uid[5:]}\r\n", 1)
    assert folded != text
    feed.write_bytes(folded.encode("utf-8"))
    result = cli("plan", SCENARIO, "--out", str(published), "--as-of", "2026-01-01",
                 "--time-limit", "5", "--dry-run")  # fmt: skip
    assert result.exit_code == 0, result.output


def _event(feed: bytes, uid: str) -> bytes:
    """The VEVENT block of ``uid`` in a feed, as published."""
    blocks = feed.split(b"BEGIN:VEVENT")
    return next(b.split(b"END:VEVENT")[0] for b in blocks if f"UID:{uid}".encode() in b)


def test_a_held_meeting_keeps_what_was_published(published, tmp_path):
    """AG's meetings are 150 minutes now; its held first meeting keeps its end (11:00), SEQUENCE
    and stamps, and its event stays byte for byte: subscribers get no update for the past.
    (It used to end 11:30 with SEQUENCE 1, reported as moved.)"""
    before = read(published / "plan.json")
    held = min((r for r in before.records if r.group == "AG"), key=lambda r: r.start)
    assert (held.end - held.start).seconds == 7200 and held.sequence == 0
    longer = (
        (DATA / "micro.yaml")
        .read_text(encoding="utf-8")
        .replace("    weekdays: [tue]\n", "    weekdays: [tue]\n    duration_minutes: 150\n")
    )
    scenario = tmp_path / "micro.yaml"
    scenario.write_text(longer, encoding="utf-8")
    feed = (published / "alla.ics").read_bytes()
    as_of = (held.start + timedelta(days=1)).date().isoformat()
    result = cli("plan", str(scenario), "--out", str(published), "--as-of", as_of,
                 "--time-limit", "5")  # fmt: skip
    assert result.exit_code == 0, result.output
    after = read(published / "plan.json").record(held.id)
    assert after is not None and after.status == "held"
    assert (after.start, after.end, after.sequence, after.changed) == (
        held.start,
        held.end,
        0,
        held.changed,
    )
    assert _event((published / "alla.ics").read_bytes(), held.uid) == _event(feed, held.uid)
    assert held.id not in (published / "andringar.md").read_text(encoding="utf-8")
    checked = cli("check", str(scenario), "--plan", str(published / "plan.csv"))
    assert checked.exit_code == 0, checked.output  # the held meeting is the past, not judged
    later = [
        r
        for r in read(published / "plan.json").records
        if r.start.date() >= held.start.date() + timedelta(days=1) and r.group == "AG"
    ]
    assert later and all((r.end - r.start).seconds == 9000 for r in later)


def test_held_as_published_keeps_times_and_note():
    """A held meeting takes its start, end and note from the record; a later one is untouched,
    and a record from before notes were kept (note None) leaves the plan's note."""
    tz = ZoneInfo("Europe/Stockholm")
    at = datetime(2026, 3, 3, 9, 0, tzinfo=tz)

    def meeting(meeting_id: str, day: int, note: str | None) -> Meeting:
        start = at + timedelta(days=day)
        return Meeting(meeting_id, meeting_id, "AG", start, start + timedelta(hours=3), "",
                       None, note=note)  # fmt: skip

    def record(meeting_id: str, day: int, note: str | None) -> Record:
        start = at + timedelta(days=day)
        return Record(meeting_id, meeting_id, "AG", start, start + timedelta(hours=2), 0,
                      "planned", at, "d", (), note)  # fmt: skip

    plan = Plan("Mikroplan", (meeting("A", 0, "nu"), meeting("B", 7, "nu"), meeting("C", 14, "nu")))
    state = State("Mikroplan", "micro", (record("A", 0, "då"), record("B", 7, None),
                                         record("C", 14, "då")))  # fmt: skip
    kept = held_as_published(plan, state, date(2026, 3, 15))
    assert [(m.id, m.end.hour, m.note) for m in kept.meetings] == [
        ("A", 11, "då"),
        ("B", 11, "nu"),
        ("C", 12, "nu"),
    ]
