"""Versions of an output folder: every applied change is one, and undo restores the one before.

A version is every file a run wrote (the feeds, tables, plan.json, the change report) and the
scenario file's bytes, stored by content under the folder's hidden ``.history/`` (an unchanged
feed is stored once however many versions share it; ``cadence serve`` and the web app never
serve a hidden path). Restoring a version writes exactly its bytes back, through
:func:`cadence.output.write_folder`, so subscribers see the same events as before, down to
SEQUENCE and DTSTAMP.

Applying a version is journaled: the new version is stored whole first, then a ``PENDING`` note
names the version being left, then the folder is written, then ``HEAD`` moves and the note goes.
A process killed anywhere in between leaves the note, and :func:`History.recover` (run before
anything else reads or writes the folder) writes the version being left back, byte for byte.
The caller holds the folder's writer lock (:func:`cadence.output.lock`) around every method that
writes; nothing here reads the clock (the caller says when).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from cadence.errors import InputError
from cadence.output import write_folder, written

FOLDER = ".history"
MAX_VERSIONS = 100_000


@dataclass(frozen=True)
class Version:
    """One state of the output folder and its scenario file."""

    id: int
    parent: int | None
    """The version it was made from (what undo restores); None for the first."""
    label: str
    """What the coordinator did, in Swedish: ``Flyttade AVÄ-2026-05 till 10 september``."""
    when: str = ""
    """When it was applied, as the caller gave it (ISO 8601), for the audit trail."""
    files: dict[str, str] = field(default_factory=dict)
    """Path inside the folder → SHA-256 of its bytes."""
    scenario: str | None = None
    """SHA-256 of the scenario file's bytes, None when not recorded."""

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "parent": self.parent,
            "label": self.label,
            "when": self.when,
            "files": dict(sorted(self.files.items())),
            "scenario": self.scenario,
        }


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` with one rename (fsynced first): old bytes or new, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class History:
    """The versions of ``folder`` (and of ``scenario``, the file the folder is planned from)."""

    def __init__(self, folder: Path, scenario: Path):
        self.folder = folder
        self.scenario = scenario
        self.root = folder / FOLDER

    # -- reading ---------------------------------------------------------------------------

    def head(self) -> Version | None:
        """The version the folder shows now (None before the first)."""
        path = self.root / "HEAD"
        if not path.is_file():
            return None
        text = path.read_text(encoding="utf-8").strip()
        if not text.isdigit():
            raise InputError(f"{path}: not a version number: {text[:40]!r}")
        return self.version(int(text))

    def version(self, number: int) -> Version:
        path = self._meta(number)
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            return Version(
                id=int(raw["id"]),
                parent=None if raw["parent"] is None else int(raw["parent"]),
                label=str(raw["label"]),
                when=str(raw.get("when", "")),
                files={str(k): str(v) for k, v in raw["files"].items()},
                scenario=None if raw.get("scenario") is None else str(raw["scenario"]),
            )
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as err:
            raise InputError(f"{path}: damaged version record ({err})") from None

    def lineage(self) -> list[Version]:
        """The current version and the ones before it, newest first (what undo walks back)."""
        out: list[Version] = []
        current = self.head()
        while current is not None and len(out) < MAX_VERSIONS:
            out.append(current)
            current = None if current.parent is None else self.version(current.parent)
        return out

    def files(self, version: Version) -> dict[str, bytes]:
        """The folder's files as ``version`` had them, checked against their digests."""
        return {name: self._object(digest) for name, digest in version.files.items()}

    def scenario_bytes(self, version: Version) -> bytes | None:
        return None if version.scenario is None else self._object(version.scenario)

    def announced(self) -> Version | None:
        """The version the coordinator last told the groups about (:meth:`announce`), or None."""
        path = self.root / "ANNOUNCED"
        if not path.is_file():
            return None
        text = path.read_text(encoding="utf-8").strip()
        if not text.isdigit() or not self._meta(int(text)).is_file():
            return None
        return self.version(int(text))

    # -- writing (the caller holds the folder's lock) ----------------------------------------

    def announce(self, expected: int) -> Version:
        """Record that the changes up to the current version (``expected``) have been sent."""
        head = self.head()
        if head is None or head.id != expected:
            raise Stale(expected, head.id if head else None)
        _atomic_write(self.root / "ANNOUNCED", f"{head.id}\n".encode())
        return head

    def recover(self) -> bool:
        """Finish what a killed apply or undo left: write back the version it was leaving.
        True when there was something to recover."""
        pending = self.root / "PENDING"
        if not pending.is_file():
            return False
        try:
            note = json.loads(pending.read_text(encoding="utf-8"))
            left, target, new = note["from"], int(note["to"]), bool(note["new"])
        except (OSError, ValueError, KeyError, TypeError) as err:
            raise InputError(f"{pending}: damaged journal ({err}); restore from backup") from None
        if left is None:
            # Nothing was there before: finish the first version instead of leaving half of it.
            self._restore(self.version(target))
            self._set_head(target)
        else:
            self._restore(self.version(int(left)))
            self._set_head(int(left))
            if new:
                self._meta(target).unlink(missing_ok=True)
        pending.unlink()
        return True

    def ensure(self, label: str, when: str = "") -> Version:
        """The current version, recording the folder as it is when it differs from the last
        version (the first time, or after a change made outside the history, e.g. by the CLI)."""
        self.recover()
        head = self.head()
        files = {name: (self.folder / name).read_bytes() for name in sorted(written(self.folder))}
        scenario = self.scenario.read_bytes()
        if (
            head is not None
            and head.files == {n: _digest(b) for n, b in files.items()}
            and (head.scenario == _digest(scenario))
        ):
            return head
        version = self._store(files, scenario, label, when, head)
        self._set_head(version.id)
        return version

    def apply(
        self, files: Mapping[str, bytes], scenario: bytes, label: str, when: str = ""
    ) -> Version:
        """Make ``files`` (every file of the folder) and ``scenario`` (the scenario file's
        bytes) the new current version, journaled so that a crash leaves the previous one."""
        self.recover()
        head = self.head()
        version = self._store(dict(files), scenario, label, when, head)
        self._move(head, version, new=True)
        return version

    def undo(self, expected: int) -> Version:
        """Restore the version before ``expected``, which must be the current one."""
        self.recover()
        head = self.head()
        if head is None or head.id != expected:
            raise Stale(expected, head.id if head else None)
        if head.parent is None:
            raise InputError("nothing to undo: this is the first version")
        parent = self.version(head.parent)
        self._move(head, parent, new=False)
        return parent

    # -- inside ------------------------------------------------------------------------------

    def _move(self, head: Version | None, target: Version, new: bool) -> None:
        note = {"from": head.id if head else None, "to": target.id, "new": new}
        _atomic_write(self.root / "PENDING", json.dumps(note).encode())
        self._restore(target)
        self._set_head(target.id)
        (self.root / "PENDING").unlink()

    def _restore(self, version: Version) -> None:
        write_folder(self.folder, self.files(version))
        scenario = self.scenario_bytes(version)
        if scenario is not None and (
            not self.scenario.is_file() or self.scenario.read_bytes() != scenario
        ):
            _atomic_write(self.scenario, scenario)

    def _store(
        self,
        files: dict[str, bytes],
        scenario: bytes,
        label: str,
        when: str,
        parent: Version | None,
    ) -> Version:
        digests = {name: self._put(data) for name, data in sorted(files.items())}
        numbers = [int(p.stem) for p in (self.root / "versions").glob("*.json") if p.stem.isdigit()]
        version = Version(
            id=max(numbers, default=0) + 1,
            parent=parent.id if parent else None,
            label=label,
            when=when,
            files=digests,
            scenario=self._put(scenario),
        )
        data = json.dumps(version.as_json(), ensure_ascii=False, indent=1).encode("utf-8")
        _atomic_write(self._meta(version.id), data)
        return version

    def _put(self, data: bytes) -> str:
        digest = _digest(data)
        path = self.root / "objects" / digest[:2] / digest[2:]
        if not path.is_file():
            _atomic_write(path, data)
        return digest

    def _object(self, digest: str) -> bytes:
        path = self.root / "objects" / digest[:2] / digest[2:]
        try:
            data = path.read_bytes()
        except OSError as err:
            raise InputError(f"{path}: missing from the history ({err.strerror})") from None
        if _digest(data) != digest:
            raise InputError(f"{path}: damaged (its bytes do not match their digest)")
        return data

    def _meta(self, number: int) -> Path:
        return self.root / "versions" / f"{number:06d}.json"

    def _set_head(self, number: int) -> None:
        _atomic_write(self.root / "HEAD", f"{number}\n".encode())


class Stale(InputError):
    """The version a request was made against is no longer the current one."""

    def __init__(self, expected: int | str | None, current: int | None):
        super().__init__(
            f"the plan has changed since it was read (version {expected}, now {current}); "
            "reload and try again: nothing was changed"
        )
        self.current = current
