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


def write_folder(folder: Path, files: Mapping[str, bytes]) -> None:
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
        manifest = Path(tmp) / MANIFEST
        manifest.write_text("".join(f"{name}\n" for name in sorted(files)), encoding="utf-8")
        for source, target in staged:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, target)
        os.replace(manifest, folder / MANIFEST)
    for name in sorted(previous - set(files)):
        stale = folder / name
        if stale.is_file():
            stale.unlink()
        if stale.parent != folder and stale.parent.is_dir() and not any(stale.parent.iterdir()):
            stale.parent.rmdir()


def _manifest(folder: Path) -> set[str]:
    path = folder / MANIFEST
    if not path.is_file():
        return set()
    names = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        name = line.strip()
        # Only plain relative paths inside the folder: a manifest is never trusted to point out.
        if name and not name.startswith("/") and ".." not in Path(name).parts:
            names.add(name)
    return names
