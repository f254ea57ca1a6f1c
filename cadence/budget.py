"""A run's budget: CP-SAT's deterministic seconds, and a wall-clock ceiling over the whole run.

``--time-limit S`` is CP-SAT's deterministic time, so that the same scenario gives the same
plan on any machine, loaded or not. The solver's own solves share it: the check of the
constructed plan and the search together spend at most S deterministic seconds. What CP-SAT
does not count (reading the file, the instance, building the model, constructing the first
plan) is bounded by the wall-clock ceiling instead: ``WALL_PER_UNIT`` seconds per unit of S
plus ``WALL_GRACE`` (90 s at the default of 3). The ceiling is checked when each phase starts
and is CP-SAT's wall limit for what is left of it, so a run ends within the ceiling plus the
phase it is in and writing the plan.

The rule that keeps the bytes: the ceiling is far above what a run takes (Sörmland 2026 at the
default ends in about 20 s on two cores, the 477 meetings of Storlänet in about 30 s), so a
normal run never reaches it and its plan depends on the deterministic budget alone. Only a run
that would go past it stops early: with the best plan found so far, said to depend on the
machine's speed, or, before any plan exists, with a message naming the phase (exit 1).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from cadence.errors import CadenceError

WALL_PER_UNIT = 15.0
"""Wall seconds per deterministic second: one is five to seven wall seconds on an idle two-core
machine, up to nine beside four other jobs."""
WALL_GRACE = 45.0
"""Wall seconds on top, for reading, building and constructing: a few seconds on Sörmland."""


def wall_ceiling(time_limit: float) -> float:
    """The wall-clock ceiling of a run with ``time_limit`` deterministic seconds."""
    return WALL_PER_UNIT * time_limit + WALL_GRACE


class OverBudget(CadenceError):
    """The wall-clock ceiling passed before any plan was found (exit code 1). Not an
    :class:`~cadence.errors.InfeasibleError`: nothing is known about the rules, so nothing is
    explained."""


class Clock:
    """The phases of one run with their wall times, and its ceiling.

    ``listener`` hears each phase's name as it starts (the progress line)."""

    def __init__(
        self,
        time_limit: float,
        ceiling: float | None = None,
        listener: Callable[[str], None] | None = None,
        now: Callable[[], float] = time.monotonic,
    ):
        self.time_limit = time_limit
        self.ceiling = wall_ceiling(time_limit) if ceiling is None else ceiling
        self.listener = listener
        self._now = now
        self.started = now()
        self.phases: list[tuple[str, float]] = []
        self._current: tuple[str, float] | None = None
        self.cut = False
        """Whether the ceiling stopped a search before its deterministic budget was spent."""

    def elapsed(self) -> float:
        return self._now() - self.started

    def left(self) -> float:
        """Wall seconds left under the ceiling (never below a tenth of a second, which CP-SAT
        needs to hand back the plan it was given as a hint)."""
        return max(0.1, self.ceiling - self.elapsed())

    def phase(self, name: str, check: bool = True) -> None:
        """Start phase ``name``; with ``check``, first stop the run if the ceiling has passed."""
        self._close()
        if check and self.elapsed() >= self.ceiling:
            raise OverBudget(
                f"stopped before {name}: {self.elapsed():.0f} s have passed, over the "
                f"wall-clock ceiling of {self.ceiling:.0f} s for --time-limit "
                f"{self.time_limit:g} ({WALL_PER_UNIT:g} s per unit plus {WALL_GRACE:g} s), "
                "and no plan was found yet; plan fewer years or groups at a time, or give a "
                "longer --time-limit"
            )
        self._current = (name, self._now())
        if self.listener is not None:
            self.listener(name)

    def searched(self, wall_seconds: float, wall_limit: float) -> None:
        """A CP-SAT solve ended after ``wall_seconds`` of its ``wall_limit``."""
        if wall_seconds >= 0.98 * wall_limit:
            self.cut = True

    def done(self) -> None:
        self._close()

    def _close(self) -> None:
        if self._current is not None:
            name, since = self._current
            self.phases.append((name, self._now() - since))
            self._current = None

    def summary(self) -> str:
        """``reading 0.7 s, model 0.3 s, …``: each phase's wall time, summed by name."""
        totals: dict[str, float] = {}
        for name, seconds in self.phases:
            totals[name] = totals.get(name, 0.0) + seconds
        return ", ".join(f"{name} {seconds:.1f} s" for name, seconds in totals.items())
