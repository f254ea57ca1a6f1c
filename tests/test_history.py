"""Versions of an output folder: apply, undo byte for byte, and a kill in the middle."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from cadence.history import History, Stale
from cadence.output import lock, write_folder

V1 = {"alla.ics": b"BEGIN:VCALENDAR\nv1\n", "grupper/bg.ics": b"bg v1", "plan.json": b"{1}"}
V2 = {"alla.ics": b"BEGIN:VCALENDAR\nv2\n", "grupper/ag.ics": b"ag v2", "plan.json": b"{2}"}


def files(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.relative_to(folder).parts[0].startswith((".history", ".cadence"))
    }


@pytest.fixture
def first(tmp_path):
    """A folder written by a run (version 1 recorded from it) and its scenario file."""
    folder, scenario = tmp_path / "out", tmp_path / "s.yaml"
    scenario.write_bytes(b"name: one\n")
    write_folder(folder, V1)
    history = History(folder, scenario)
    assert history.ensure("Första").id == 1
    return history


def test_undo_restores_the_previous_bytes_and_stale_is_refused(first):
    """Version 2 replaces a feed, adds one and drops one; undo brings back exactly version 1."""
    v2 = first.apply(V2, b"name: two\n", "Flyttade AG", "2026-01-02T10:00:00+00:00")
    assert (v2.id, v2.parent) == (2, 1)
    assert files(first.folder) == V2 and first.scenario.read_bytes() == b"name: two\n"
    with pytest.raises(Stale):
        first.undo(1)
    assert first.undo(2).id == 1
    assert files(first.folder) == V1 and first.scenario.read_bytes() == b"name: one\n"
    assert [v.id for v in first.lineage()] == [1]


def test_ensure_records_a_change_made_outside(first):
    """A folder changed by the CLI since the last version becomes a version of its own."""
    write_folder(first.folder, {**V1, "alla.ics": b"changed by cadence move"})
    assert first.ensure("Ändrat utanför appen").id == 2
    assert first.ensure("again").id == 2  # nothing new


KILLED = """
import os, signal, sys
from pathlib import Path
from cadence.history import History
real = os.replace
count = 0
def dying(src, dst):
    global count
    count += 1
    if count == int(sys.argv[3]):
        os.kill(os.getpid(), signal.SIGKILL)
    real(src, dst)
os.replace = dying
history = History(Path(sys.argv[1]), Path(sys.argv[2]))
if sys.argv[4] == "apply":
    history.apply({"alla.ics": b"v2", "grupper/ag.ics": b"ag", "plan.json": b"{2}"}, b"two", "x")
else:
    history.undo(2)
"""


@pytest.mark.parametrize("after", [3, 6, 8, 10, 12, 13])
def test_a_kill_in_the_middle_of_an_apply_leaves_the_previous_version(first, after):
    """SIGKILL at the n-th rename of an apply (storing the version: 1–5; the journal: 6; the
    folder's files: 7–11; the scenario: 12; HEAD: 13): afterwards, version 1 exactly."""
    run = subprocess.run(
        [sys.executable, "-c", KILLED, str(first.folder), str(first.scenario), str(after), "apply"],
        capture_output=True,
    )
    assert run.returncode == -9, run.stderr
    with lock(first.folder, "test", wait=5):
        assert first.recover() == (after > 6)  # until the journal lands, nothing was touched
    assert files(first.folder) == V1
    assert first.scenario.read_bytes() == b"name: one\n"
    assert first.head().id == 1
    again = first.apply(V2, b"two", "again")  # and the next apply works from version 1
    assert again.parent == 1 and files(first.folder) == V2


def test_a_kill_in_the_middle_of_an_undo_keeps_the_version_undone_from(first):
    """SIGKILL during an undo: recovery puts back the version it was undoing, whole."""
    first.apply(V2, b"name: two\n", "v2")
    run = subprocess.run(
        [sys.executable, "-c", KILLED, str(first.folder), str(first.scenario), "3", "undo"],
        capture_output=True,
    )
    assert run.returncode == -9, run.stderr
    assert first.recover()
    assert files(first.folder) == V2 and first.head().id == 2


def test_the_cli_recovers_a_killed_apply_before_it_writes(first, monkeypatch):
    """cadence plan (and move, cancel, add) finishes a killed workbench apply under the lock
    first, so it never re-plans from a half-written folder."""
    import cadence.cli as cli

    first.apply(V2, b"name: two\n", "v2")
    (first.root / "PENDING").write_text('{"from": 1, "to": 2, "new": true}')  # as if killed
    seen = {}

    def fake(*args, **kwargs):
        seen["files"] = files(first.folder)

    monkeypatch.setattr(cli, "_replan_locked", fake)
    cli._replan(first.scenario, first.folder, 3.0, 2, None, 0, False, 5.0)
    assert seen["files"] == V1 and first.head().id == 1
