"""Several counties in one command: ``cadence plan A.yaml B.yaml ...``.

Each scenario is planned by its own ``cadence plan`` process, exactly as if it were run alone
(the same options, its own output folder ``OUT/<scenario>``, so the same bytes), a few at a time
(one per core by default). A county that fails (a bad file, rules that cannot all hold, a
budget that found no plan) is reported with its own message and exit code; the others go on.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

_STATUS = re.compile(r"^(optimal|feasible): objective (-?\d+)(.*?), solved in")
_GAP = re.compile(r"gap (\d+(?:\.\d+)?%)")
_MEETINGS = re.compile(r"^meetings: (.*)$", re.MULTILINE)


@dataclass(frozen=True)
class County:
    """One scenario's run."""

    scenario: Path
    folder: Path
    exit_code: int
    seconds: float
    output: str
    """What the run printed (standard output)."""
    errors: str
    """What it printed on standard error, progress lines left out."""

    @property
    def status(self) -> str:
        found = _STATUS.search(self.output)
        if found:
            return found.group(1)
        return {1: "no plan", 2: "bad input"}.get(self.exit_code, f"exit {self.exit_code}")

    @property
    def objective(self) -> str:
        found = _STATUS.search(self.output)
        return found.group(2) if found else "–"

    @property
    def gap(self) -> str:
        found = _STATUS.search(self.output)
        if not found:
            return "–"
        if found.group(1) == "optimal":
            return "0%"
        share = _GAP.search(found.group(3))
        return share.group(1) if share else "–"

    @property
    def meetings(self) -> str:
        found = _MEETINGS.search(self.output)
        if not found:
            return "–"
        return str(sum(int(part.rsplit(" ", 1)[1]) for part in found.group(1).split(", ")))

    @property
    def message(self) -> str:
        """The run's first error line, or its last line when it went well."""
        for line in self.errors.splitlines():
            if line.startswith("error: "):
                return line[len("error: ") :]
        lines = self.output.strip().splitlines()
        return lines[-1] if lines else ""


def folders(scenarios: Sequence[Path], out: Path | None) -> list[Path]:
    """Each scenario's output folder: ``out/<stem>`` (default ``exports/<stem>``). Two
    scenarios with one stem would write one folder: InputError's message, here a ValueError."""
    base = out or Path("exports")
    seen: dict[str, Path] = {}
    for path in scenarios:
        if path.stem in seen:
            raise ValueError(
                f"{seen[path.stem]} and {path} would both write {base / path.stem}; "
                "rename one of them"
            )
        seen[path.stem] = path
    return [base / path.stem for path in scenarios]


def plan_all(
    scenarios: Sequence[Path],
    out: Path | None,
    options: Sequence[str],
    jobs: int | None = None,
    done: Callable[[County], None] | None = None,
) -> list[County]:
    """Run ``cadence plan SCENARIO --out OUT/<stem> OPTIONS`` for each scenario, ``jobs`` at a
    time (default: the machine's cores); ``done`` hears of each as it ends. In the order given."""
    targets = list(zip(scenarios, folders(scenarios, out), strict=True))
    workers = max(1, min(len(targets), jobs or os.cpu_count() or 1))
    telling = threading.Lock()  # one county's report at a time

    def one(target: tuple[Path, Path]) -> County:
        scenario, folder = target
        began = time.monotonic()
        command = [sys.executable, "-m", "cadence", "plan", str(scenario), "--out", str(folder)]
        run = subprocess.run(
            [*command, *options], capture_output=True, text=True, check=False
        )  # fmt: skip
        errors = "\n".join(
            line for line in run.stderr.splitlines() if not line.startswith("[")
        )  # progress lines start with the clock: "[0:12] solving: …"
        county = County(
            scenario, folder, run.returncode, time.monotonic() - began, run.stdout, errors
        )
        if done is not None:
            with telling:
                done(county)
        return county

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(one, targets))


def exit_code(counties: Sequence[County]) -> int:
    """0 when every county was planned; else the worst: 2 (a bad input) before 1."""
    codes = {c.exit_code for c in counties}
    return 0 if codes <= {0} else max(codes)


def _named(message: str, scenario: Path) -> str:
    """The message with the scenario's path cut to its name, as the row's first column names
    it (the stems are unique): the same summary wherever the files lie."""
    for spelling in (str(scenario), str(scenario.resolve())):
        if message.startswith(spelling + ":"):
            return scenario.name + message[len(spelling) :]
    return message


def table(counties: Sequence[County]) -> str:
    """The summary: one row per county."""
    rows = [("scenario", "status", "meetings", "objective", "gap", "seconds", "exit", "message")]
    for c in counties:
        message = _named(c.message, c.scenario)
        message = message if len(message) <= 90 else message[:89] + "…"
        rows.append(
            (
                c.scenario.name, c.status, c.meetings, c.objective, c.gap, f"{c.seconds:.0f}",
                str(c.exit_code), message,
            )
        )  # fmt: skip
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    lines = []
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        lines.append("  ".join([*cells, row[-1]]).rstrip())
    return "\n".join(lines) + "\n"
