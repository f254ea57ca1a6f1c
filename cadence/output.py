"""The output folder: every file of a run is written beside it first, then moved into place.

Each file is replaced with one atomic rename, so a calendar client or ``cadence serve`` reading
a feed sees the old file or the new one, never half of one; a run that fails before the moves
leaves the previous output as it was. Files an earlier run wrote that this run does not (a person
who left the structure) are removed afterwards; files the coordinator put there are kept.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

MANIFEST = ".cadence-files"
"""The files the last run wrote, one relative path a line."""
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
    with tempfile.TemporaryDirectory(dir=folder, prefix=".cadence-") as tmp:
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
