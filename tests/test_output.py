"""The output folder: files move into place whole; a failed run leaves the old output."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cadence.output import LOCK, MANIFEST, Busy, lock, write_folder


def test_writes_subfolders_and_manifest(tmp_path: Path):
    """Files go into subfolders and the manifest lists what this run wrote."""
    write_folder(tmp_path, {"a.ics": b"1", "grupper/b.ics": b"2"})
    assert (tmp_path / "grupper" / "b.ics").read_bytes() == b"2"
    assert (tmp_path / MANIFEST).read_text(encoding="utf-8") == "a.ics\ngrupper/b.ics\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".cadence-")] == [MANIFEST]


def test_stale_files_of_earlier_runs_go_others_stay(tmp_path: Path):
    """Files an earlier run wrote and this one did not are removed; the coordinator's stay."""
    write_folder(tmp_path, {"a.ics": b"1", "personer/x.ics": b"2"})
    (tmp_path / "notes.txt").write_text("the coordinator's", encoding="utf-8")
    write_folder(tmp_path, {"a.ics": b"3"})
    assert not (tmp_path / "personer").exists()
    assert (tmp_path / "a.ics").read_bytes() == b"3"
    assert (tmp_path / "notes.txt").exists()


def test_a_failing_run_leaves_the_previous_output(tmp_path: Path):
    """A run that breaks half way leaves the previous output as it was."""
    write_folder(tmp_path, {"a.ics": b"old", "b.ics": b"old"})

    class Failing(dict):
        def items(self):
            yield "a.ics", b"new"
            raise RuntimeError("the run broke half way")

    with pytest.raises(RuntimeError):
        write_folder(tmp_path, Failing())
    assert (tmp_path / "a.ics").read_bytes() == b"old"
    assert (tmp_path / "b.ics").read_bytes() == b"old"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".cadence-") and p.is_dir()]


def test_manifest_never_points_outside(tmp_path: Path):
    """A manifest naming files outside the folder never removes them."""
    outside = tmp_path / "keep.txt"
    outside.write_text("x", encoding="utf-8")
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / MANIFEST).write_text("../keep.txt\n/etc/passwd\n", encoding="utf-8")
    write_folder(folder, {"a.ics": b"1"})
    assert outside.exists()


def test_unchanged_files_keep_their_date_and_keys_stay_inside(tmp_path: Path):
    """Unchanged files keep their modification time, so servers keep their ETags."""
    import os

    write_folder(tmp_path, {"a.ics": b"same", "b.ics": b"old"})
    os.utime(tmp_path / "a.ics", (1_000_000_000, 1_000_000_000))
    os.utime(tmp_path / "b.ics", (1_000_000_000, 1_000_000_000))
    write_folder(tmp_path, {"a.ics": b"same", "b.ics": b"new"})
    assert (tmp_path / "a.ics").stat().st_mtime == 1_000_000_000
    assert (tmp_path / "b.ics").stat().st_mtime > 1_000_000_000
    for bad in ("../x.ics", "/etc/x.ics", ""):
        with pytest.raises(ValueError):
            write_folder(tmp_path, {bad: b"x"})
    assert (tmp_path / "b.ics").read_bytes() == b"new"


def test_lock_lets_one_writer_in_and_names_it(tmp_path: Path):
    """A second writer waits its bounded time, then is refused naming the holder; the lock
    file is empty again once free, so it never changes the folder's bytes between runs."""
    holder = rf"pid {os.getpid()}, cadence move X, since "
    with lock(tmp_path, "cadence move X", wait=0), pytest.raises(Busy, match=holder):  # noqa: SIM117
        with lock(tmp_path, "cadence cancel Y", wait=0.3):
            pass
    assert (tmp_path / LOCK).read_bytes() == b""
    with lock(tmp_path, "cadence plan", wait=0):
        pass


def test_lock_is_held_across_processes(tmp_path: Path):
    """flock, not a pid file: another process is kept out while this one holds it."""
    code = (
        "import sys; from pathlib import Path; from cadence.output import lock, Busy\n"
        "try:\n"
        f"    with lock(Path({str(tmp_path)!r}), 'other', wait=0.2): sys.exit(0)\n"
        "except Busy as err:\n"
        "    print(err); sys.exit(2)\n"
    )
    with lock(tmp_path, "cadence add AG", wait=0):
        held = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert held.returncode == 2 and "cadence add AG" in held.stdout
    free = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert free.returncode == 0, free.stderr


def test_staging_left_by_a_killed_run_is_removed_by_the_next(tmp_path: Path):
    """A run killed between staging and the moves leaves .cadence-xxxx; the next run, holding
    the lock, removes it (and keeps the manifest and the lock file)."""
    write_folder(tmp_path, {"a.ics": b"1"})
    leftover = tmp_path / ".cadence-k1ll3d"
    (leftover / "grupper").mkdir(parents=True)
    (leftover / "grupper" / "b.ics").write_bytes(b"half")
    with lock(tmp_path, "cadence plan", wait=0):
        write_folder(tmp_path, {"a.ics": b"2"})
    assert not leftover.exists()
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == sorted([LOCK, MANIFEST, "a.ics"])
