"""The output folder: files move into place whole; a failed run leaves the old output."""

from pathlib import Path

import pytest

from cadence.output import MANIFEST, write_folder


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
