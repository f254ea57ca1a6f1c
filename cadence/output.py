"""The output folder: every file of a run is written beside it first, then moved into place.

Each file is replaced with one atomic rename, so a calendar client or ``cadence serve`` reading
a feed sees the old file or the new one, never half of one; a run that fails before the moves
leaves the previous output as it was. Files an earlier run wrote that this run does not (a person
who left the structure) are removed afterwards; files the coordinator put there are kept.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from cadence.errors import InputError

MANIFEST = ".cadence-files"
"""The files the last run wrote, one relative path a line."""
LOCK = ".cadence-lock"
"""Held (flock) by the one command writing the folder; says who while it is held."""
STAGING = ".cadence-"
"""Prefix of the staging folders a run writes its files into before moving them in place."""


class Busy(InputError):
    """Another command holds the output folder's lock (exit code 2)."""


@contextmanager
def lock(folder: Path, command: str, wait: float = 60.0) -> Iterator[None]:
    """Hold the folder's writer lock for the block: one writer at a time, so a second command
    re-plans from what the first wrote and no change is lost. Waits up to ``wait`` seconds for
    another writer, then raises :class:`Busy` naming it (pid, command, since). Staging folders a
    killed run left behind are removed once the lock is held (no writer can be using them). A
    folder the lock had to create is removed again if the block wrote nothing into it."""
    created = not folder.exists()
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 1000, 0).decode("utf-8", "replace").strip()
                    raise Busy(
                        f"{folder} is being written by another cadence command "
                        f"({holder or 'unknown holder'}); waited {wait:g} s. Try again when it "
                        "has finished; nothing was written"
                    ) from None
                time.sleep(0.1)
        since = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime())
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()}, {command}, since {since}\n".encode(), 0)
        remove_staging(folder)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)  # empty when free: the folder's bytes do not change with runs
            if created and [p.name for p in folder.iterdir()] == [LOCK]:
                (folder / LOCK).unlink()
                folder.rmdir()
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def remove_staging(folder: Path) -> None:
    """Remove staging folders of runs that were killed before they finished."""
    for path in folder.glob(f"{STAGING}*"):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)


PUBLISHED_AT = ".cadence-base-url"
"""The web address the folder is published at, as the last run was told (``--base-url`` or the
scenario's ``publish.base_url``): later runs (a move, a cancel) keep giving full addresses."""


def published_at(folder: Path) -> str | None:
    """The address a previous run recorded in ``folder``, or None."""
    path = folder / PUBLISHED_AT
    if not path.is_file():
        return None
    try:
        text = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return text or None


def write_folder(folder: Path, files: Mapping[str, bytes]) -> None:
    for name in files:
        if not _inside(name):
            raise ValueError(f"{name}: not a plain path inside the output folder")
    folder.mkdir(parents=True, exist_ok=True)
    previous = _manifest(folder)
    with tempfile.TemporaryDirectory(dir=folder, prefix=STAGING) as tmp:
        staged = []
        for name, content in sorted(files.items()):
            path = Path(tmp) / name
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "wb") as handle:
                handle.write(content)
                handle.flush()
                os.fsync(handle.fileno())
            staged.append((path, folder / name))
        # First a manifest of old and new files, so a crash during the moves leaves nothing
        # that a later run would not clean up; the new one replaces it at the end.
        _write_manifest(folder, Path(tmp), previous | set(files))
        for source, target in staged:
            if target.is_file() and target.read_bytes() == source.read_bytes():
                continue  # unchanged: keep its date, so clients asking "changed since?" hear no
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, target)
        _write_manifest(folder, Path(tmp), set(files))
    for name in sorted(previous - set(files)):
        stale = folder / name
        if stale.is_file():
            stale.unlink()
        if stale.parent != folder and stale.parent.is_dir() and not any(stale.parent.iterdir()):
            stale.parent.rmdir()


def written(folder: Path) -> set[str]:
    """The files the last run wrote into ``folder`` (its manifest), each a path inside it."""
    return _manifest(folder)


def check_writable(folder: Path) -> None:
    """Raise InputError unless ``write_folder`` can create files in ``folder``; writes nothing
    that stays (a probe file in an existing folder is removed at once)."""
    existing = folder
    try:
        while not existing.exists() and existing.parent != existing:
            existing = existing.parent
        if not existing.is_dir():
            what = "is" if existing == folder else f"is below {existing}, which is"
            raise InputError(f"cannot write {folder}: it {what} a file, not a folder")
        with tempfile.TemporaryFile(dir=existing, prefix=".cadence-probe-"):
            pass
    except OSError as err:
        raise InputError(f"cannot write {folder}: {err.strerror or err}") from None


def _inside(name: str) -> bool:
    return bool(name) and not name.startswith("/") and ".." not in Path(name).parts


def _write_manifest(folder: Path, tmp: Path, names: set[str]) -> None:
    staged = tmp / MANIFEST
    staged.write_text("".join(f"{name}\n" for name in sorted(names)), encoding="utf-8")
    os.replace(staged, folder / MANIFEST)


def _manifest(folder: Path) -> set[str]:
    path = folder / MANIFEST
    if not path.is_file():
        return set()
    names = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        name = line.strip()
        if _inside(name):  # a manifest is never trusted to point out of the folder
            names.add(name)
    return names
