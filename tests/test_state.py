"""plan.json is input: every damaged state is refused with exit 2, naming the record, and
nothing is written; a sound one (a held meeting on a Saturday included) is accepted."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cadence.cli import main
from cadence.state import read
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
