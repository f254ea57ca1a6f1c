"""A real calendar client subscribes to a served feed: vdirsyncer syncs it, khal lists it.

After the plan changes and is published again, a second sync shows the change in place: the
moved meeting at its new time, once, and nothing duplicated.
"""

import os
import shutil
import subprocess
import sys
import threading
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from cadence.export import publish
from cadence.output import write_folder
from cadence.plan import ascii_slug
from cadence.serve import make_server

BIN = Path(sys.executable).parent


def tool(name: str) -> str:
    found = shutil.which(name, path=str(BIN)) or shutil.which(name)
    assert found, f"{name} is needed for the real-client test (pip install -e '.[test]')"
    return found


@pytest.fixture
def client(tmp_path: Path):
    """A served output folder and a configured vdirsyncer + khal pair reading one feed."""
    folder = tmp_path / "out"
    folder.mkdir()
    server = make_server(folder, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    home = tmp_path / "home"
    (home / "cal").mkdir(parents=True)
    (home / "status").mkdir()
    env = {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home / "config"),
           "XDG_DATA_HOME": str(home / "data"), "XDG_CACHE_HOME": str(home / "cache"),
           "TZ": "UTC", "LC_ALL": "C.UTF-8"}  # fmt: skip

    def configure(feed: str) -> tuple[list[str], list[str]]:
        sync = home / "vdirsyncer.conf"
        sync.write_text(
            f"""[general]
status_path = "{home / "status"}/"

[pair feed]
a = "remote"
b = "local"
collections = null
conflict_resolution = "a wins"

[storage remote]
type = "http"
url = "http://127.0.0.1:{port}/{feed}"

[storage local]
type = "filesystem"
path = "{home / "cal"}/"
fileext = ".ics"
""",
            encoding="utf-8",
        )
        khal = home / "khal.conf"
        khal.write_text(
            f"""[calendars]
[[feed]]
path = {home / "cal"}/
type = calendar

[locale]
timeformat = %H:%M
dateformat = %Y-%m-%d
longdateformat = %Y-%m-%d
datetimeformat = %Y-%m-%d %H:%M
longdatetimeformat = %Y-%m-%d %H:%M
local_timezone = Europe/Stockholm
default_timezone = Europe/Stockholm

[sqlite]
path = {home / "khal.db"}
""",
            encoding="utf-8",
        )
        return (
            [tool("vdirsyncer"), "-c", str(sync)],
            [tool("khal"), "-c", str(khal)],
        )

    def run(command: list[str]) -> str:
        done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    yield folder, home, configure, run
    server.shutdown()
    server.server_close()


def listed(run, khal: list[str], year: int) -> list[str]:
    out = run([*khal, "list", "--format", "{start} {end} {title}", "--day-format", "",
               f"{year}-01-01", f"{year}-12-31"])  # fmt: skip
    return sorted(line for line in out.splitlines() if line.strip())


def expected(scenario, plan, group_id: str) -> list[str]:
    group = scenario.group(group_id)
    lines = []
    for m in plan.meetings:
        if m.group == group_id:
            n = sorted(x.start for x in plan.meetings if x.group == group_id).index(m.start) + 1
            total = sum(1 for x in plan.meetings if x.group == group_id)
            title = f"{group.id} – {group.name}, möte {n} av {total}"
            lines.append(f"{m.start:%Y-%m-%d %H:%M} {m.end:%Y-%m-%d %H:%M} {title}")
    return sorted(lines)


def test_subscribe_sync_list_change_resync(tiny_published, client):
    """khal through vdirsyncer subscribes to a group feed, lists it, and sees a change after a re-sync."""
    scenario, plan, _ = tiny_published
    folder, home, configure, run = client
    group = "BG"
    write_folder(folder, publish(scenario, plan))
    sync, khal = configure(f"grupper/{ascii_slug(group)}.ics")
    run([*sync, "discover"])
    run([*sync, "sync"])
    year = plan.meetings[0].start.year
    assert listed(run, khal, year) == expected(scenario, plan, group)
    assert len(list((home / "cal").glob("*.ics"))) == sum(m.group == group for m in plan.meetings)

    # The plan changes: the group's second meeting moves a day later and an hour earlier.
    mine = sorted((m for m in plan.meetings if m.group == group), key=lambda m: m.start)
    moved = mine[1]
    shift = timedelta(days=1, hours=-1)
    new_meeting = replace(moved, start=moved.start + shift, end=moved.end + shift)
    changed = replace(
        plan, meetings=tuple(new_meeting if m.id == moved.id else m for m in plan.meetings)
    )
    write_folder(folder, publish(scenario, changed))
    run([*sync, "sync"])
    after = listed(run, khal, year)
    assert after == expected(scenario, changed, group)
    assert after != expected(scenario, plan, group)
    assert sum(f"{new_meeting.start:%Y-%m-%d %H:%M}" in line for line in after) == 1
    assert not any(f"{moved.start:%Y-%m-%d %H:%M}" in line for line in after)
    assert len(list((home / "cal").glob("*.ics"))) == len(mine)


def test_after_a_move_the_client_shows_it_once_and_the_rest_unchanged(client):
    """cadence's own re-plan: a pinned move, published again, synced again."""
    from datetime import date, time

    from cadence import loader, solver
    from cadence.replan import run
    from cadence.state import Change
    from tests.conftest import DATA

    scenario = loader.load(DATA / "micro.yaml").scenario
    settings = solver.Settings(time_limit=5)
    folder, home, configure, run_tool = client
    first = run(scenario, "micro", None, settings, None)
    assert first.violations == ()
    write_folder(folder, first.files)
    sync, khal = configure("alla.ics")
    run_tool([*sync, "discover"])
    run_tool([*sync, "sync"])
    before = listed(run_tool, khal, 2026)
    assert len(before) == len(first.plan.meetings)

    bg = min((m for m in first.plan.meetings if m.group == "BG"), key=lambda m: m.start)
    new_day = bg.start.date() + timedelta(days=7)
    state = first.state.with_change(Change("move", bg.id, "BG", new_day, time(9)))
    moved = run(scenario, "micro", state, settings, date(2026, 1, 1))
    assert moved.violations == ()
    write_folder(folder, moved.files)
    run_tool([*sync, "sync"])
    after = listed(run_tool, khal, 2026)
    assert len(after) == len(before)  # nothing duplicated, nothing lost
    assert sum(line.startswith(f"{new_day:%Y-%m-%d} 09:00") for line in after) == 1
    assert not any(line.startswith(f"{bg.start:%Y-%m-%d %H:%M}") for line in after)
    unmoved = {m.start for m in first.plan.meetings} & {m.start for m in moved.plan.meetings}
    for start in unmoved:
        assert any(line.startswith(f"{start:%Y-%m-%d %H:%M}") for line in after)
    assert len(list((home / "cal").glob("*.ics"))) == len(moved.plan.meetings)
