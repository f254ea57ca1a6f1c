"""A real CalDAV server keeps identities: Radicale holds the feed's events by UID.

The test starts Radicale on 127.0.0.1 (a free port, its own storage, no authentication), imports
``alla.ics`` with the ``caldav`` library event by event as a client that keeps UIDs and SEQUENCE
would, then applies a move, a cancellation and an addition with the cadence commands and imports
again. The server must then hold each meeting once, moved ones at their new time under their old
UID, the cancelled one as cancelled, the new one under a new UID, and every meeting the changes
did not touch byte for byte as before. (vdirsyncer's http storage replaces UIDs with content
hashes, so the vdirsyncer + khal test cannot see this; it checks the listing.)
"""

import socket
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import icalendar
import pytest
from click.testing import CliRunner

from cadence.cli import main
from cadence.state import read
from tests.conftest import DATA

caldav = pytest.importorskip("caldav")
SCENARIO = str(DATA / "micro.yaml")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def calendar(tmp_path: Path):
    """A Radicale server of this test's own and an empty calendar on it; stopped at the end."""
    port = free_port()
    config = tmp_path / "radicale.conf"
    config.write_text(
        f"""[server]
hosts = 127.0.0.1:{port}
[auth]
type = none
[rights]
type = authenticated
[storage]
filesystem_folder = {tmp_path / "collections"}
[logging]
level = warning
""",
        encoding="utf-8",
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "radicale", "--config", str(config)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        url = f"http://127.0.0.1:{port}/"
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert server.poll() is None, server.stdout.read()  # type: ignore[union-attr]
                assert time.monotonic() < deadline, "Radicale did not start"
                time.sleep(0.1)
        client = caldav.DAVClient(url=url, username="cadence", password="")
        principal = client.principal()
        yield principal.make_calendar(name="cadence")
    finally:
        server.terminate()
        server.wait(timeout=30)


def vevents(data: bytes | str) -> dict[str, icalendar.Event]:
    return {str(e["UID"]): e for e in icalendar.Calendar.from_ical(data).walk("VEVENT")}


def subscribe(calendar, feed: Path) -> None:
    """What a client that keeps identities does with a feed: each event stored under its UID
    (a changed one replaced in place), events gone from the feed removed."""
    document = icalendar.Calendar.from_ical(feed.read_bytes())
    zones = list(document.walk("VTIMEZONE"))
    seen = set()
    for event in document.walk("VEVENT"):
        uid = str(event["UID"])
        seen.add(uid)
        single = icalendar.Calendar()
        for key in ("VERSION", "PRODID"):
            single.add(key, document[key])
        for zone in zones:
            single.add_component(zone)
        single.add_component(event)
        calendar.save_event(single.to_ical().decode("utf-8"))
    for stored in calendar.events():
        if str(stored.icalendar_component["UID"]) not in seen:
            stored.delete()


def held(calendar) -> dict[str, list[str]]:
    """UID → the VEVENT text of each event the server holds with that UID."""
    events: dict[str, list[str]] = {}
    for stored in calendar.events():
        for uid, event in vevents(stored.data).items():
            events.setdefault(uid, []).append(event.to_ical().decode("utf-8"))
    return events


def cli(*args: str):
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result


def test_move_cancel_add_keep_identities_on_a_caldav_server(tmp_path, calendar):
    """After a move, a cancellation and an addition: each meeting once, moved at its new time
    with its old UID, cancelled as cancelled, new under a new UID, the rest byte-identical."""
    out = tmp_path / "out"
    options = ["--out", str(out), "--as-of", "2026-01-01", "--time-limit", "5"]
    cli("plan", SCENARIO, "--out", str(out), "--time-limit", "5")
    subscribe(calendar, out / "alla.ics")
    before_state = read(out / "plan.json")
    before = held(calendar)
    assert sorted(before) == sorted(r.uid for r in before_state.records)
    assert all(len(texts) == 1 for texts in before.values())

    bg = min((r for r in before_state.records if r.group == "BG"), key=lambda r: r.start)
    ag = max((r for r in before_state.records if r.group == "AG"), key=lambda r: r.start)
    cli("move", bg.id, (bg.start + timedelta(days=7)).date().isoformat(), SCENARIO, *options)
    cli("cancel", ag.id, SCENARIO, *options)
    cli("add", "AG", "2026-04-14", SCENARIO, *options)
    subscribe(calendar, out / "alla.ics")
    after_state = read(out / "plan.json")
    after = held(calendar)

    assert all(len(texts) == 1 for texts in after.values()), "a meeting held twice"
    assert sorted(after) == sorted(r.uid for r in after_state.records)
    moved = vevents(after[bg.uid][0])[bg.uid]
    new_start = after_state.record(bg.id).start
    assert moved.decoded("DTSTART") == new_start and new_start != bg.start
    assert moved["SEQUENCE"] > 0
    cancelled = vevents(after[ag.uid][0])[ag.uid]
    assert cancelled["STATUS"] == "CANCELLED" and cancelled["SEQUENCE"] > 0
    added = [r for r in after_state.records if r.id not in {x.id for x in before_state.records}]
    assert [r.id for r in added] == ["AG-2026-04"] and added[0].uid not in before
    untouched = [
        r for r in after_state.records
        if (old := before_state.record(r.id)) is not None
        and (old.start, old.sequence, old.changed, old.digest)
        == (r.start, r.sequence, r.changed, r.digest)
    ]  # fmt: skip
    assert untouched, "the changes touched every meeting: the test proves nothing"
    for record in untouched:
        assert after[record.uid] == before[record.uid], record.id


def test_an_applied_option_keeps_identities_on_a_caldav_server(tmp_path, calendar):
    """A change that needed a choice (exit 3), applied with --option 2 (the lead window bent):
    the moved meeting once, at its new time under its old UID; every other meeting once, at its
    time, and byte for byte as before unless its text changed (AG-03 now prepares BG on 16
    April)."""
    from tests.test_options import publish_rows

    out = tmp_path / "out"
    publish_rows("options.yaml", out)
    subscribe(calendar, out / "alla.ics")
    before_state = read(out / "plan.json")
    before = held(calendar)
    assert sorted(before) == sorted(r.uid for r in before_state.records)
    args = [str(DATA / "options.yaml"), "--out", str(out), "--as-of", "2026-01-01",
            "--time-limit", "5"]  # fmt: skip
    asked = CliRunner().invoke(main, ["move", "BG-02", "2026-04-16", *args])
    assert asked.exit_code == 3, asked.output
    cli("move", "BG-02", "2026-04-16", *args, "--option", "2")
    subscribe(calendar, out / "alla.ics")
    after_state = read(out / "plan.json")
    after = held(calendar)
    assert [b.rule for b in after_state.bends] == ["lead_max"]
    assert all(len(texts) == 1 for texts in after.values()), "a meeting held twice"
    assert sorted(after) == sorted(before)
    bg = before_state.record("BG-02")
    assert bg is not None
    moved = vevents(after[bg.uid][0])[bg.uid]
    assert moved.decoded("DTSTART").date().isoformat() == "2026-04-16"
    assert moved["SEQUENCE"] > bg.sequence
    for record in before_state.records:
        if record.id == "BG-02":
            continue
        now = after_state.record(record.id)
        assert now is not None and now.start == record.start, record.id
        stored = vevents(after[record.uid][0])[record.uid]
        assert stored.decoded("DTSTART") == record.start, record.id
        if now.digest == record.digest:  # its text unchanged too: byte for byte
            assert after[record.uid] == before[record.uid], record.id
