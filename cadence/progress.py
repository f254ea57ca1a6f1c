"""What ``cadence plan`` is doing while it works: phase, elapsed time, best plan and its gap.

On a terminal one line is redrawn in place (a clock ticks even while the solver is silent); in
a log or a pipe each phase and each better plan is a plain line, at most one every few seconds.
The solver only calls back ``progress(elapsed, objective, bound)``; the wording is made here.
"""

from __future__ import annotations

import math
import threading
import time
from typing import TextIO

TICK = 0.25
"""Seconds between redraws on a terminal."""
PLAIN_EVERY = 5.0
"""Seconds between plain lines about better plans (the last one is always printed)."""


def gap(objective: float, bound: float) -> float | None:
    """How far the best plan may still be from the optimum, as a share of it (CP-SAT's
    relative gap), or None when there is no meaningful bound yet."""
    if not math.isfinite(objective) or not math.isfinite(bound):
        return None
    return abs(objective - bound) / max(1.0, abs(objective))


def describe(objective: float, bound: float) -> str:
    """``best plan 439 (penalty), bound 431, gap 1.8%``."""
    share = gap(objective, bound)
    text = f"best plan {objective:.0f}"
    if share is None:
        return text
    if share == 0:
        return f"{text}, proven optimal"
    return f"{text}, bound {bound:.0f}, gap {share:.1%}"


class Progress:
    """A status line for one run; use it as a context manager and as the solver's callback."""

    def __init__(self, stream: TextIO, live: bool):
        self.stream = stream
        self.live = live
        self.started = time.monotonic()
        self.name = ""
        self.detail = ""
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None
        self._last_plain = -math.inf
        self._pending = ""
        self._width = 0

    def __enter__(self) -> Progress:
        if self.live:
            self._ticker = threading.Thread(target=self._tick, daemon=True)
            self._ticker.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- what the run says ----------------------------------------------------------------------

    def phase(self, name: str, detail: str = "") -> None:
        """A new phase: ``reading``, ``solving``, ``writing``."""
        with self._lock:
            self._flush_plain()
            self.name, self.detail = name, detail
            if self.live:
                self._draw()
            else:
                self._write(f"{name}{': ' + detail if detail else ''}")

    def __call__(self, elapsed: float, objective: float, bound: float) -> None:
        """The solver found a better plan."""
        with self._lock:
            self.detail = describe(objective, bound)
            if self.live:
                self._draw()
                return
            line = f"{self.name}: {self.detail}"
            if time.monotonic() - self._last_plain >= PLAIN_EVERY:
                self._plain(line)
            else:
                self._pending = line

    def close(self) -> None:
        """Stop the clock and leave the terminal line empty for what is printed next."""
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join()
            self._ticker = None
        with self._lock:
            self._flush_plain()
            if self.live and self._width:
                self.stream.write("\r" + " " * self._width + "\r")
                self.stream.flush()
                self._width = 0

    # -- drawing --------------------------------------------------------------------------------

    def _elapsed(self) -> str:
        seconds = int(time.monotonic() - self.started)
        return f"{seconds // 60}:{seconds % 60:02d}"

    def _line(self) -> str:
        detail = f" – {self.detail}" if self.detail else ""
        return f"[{self._elapsed()}] {self.name}{detail}"

    def _draw(self) -> None:
        line = self._line()
        pad = max(0, self._width - len(line))
        self.stream.write("\r" + line + " " * pad)
        self.stream.flush()
        self._width = len(line)

    def _tick(self) -> None:
        while not self._stop.wait(TICK):
            with self._lock:
                if self.name:
                    self._draw()

    def _write(self, text: str) -> None:
        self.stream.write(f"[{self._elapsed()}] {text}\n")
        self.stream.flush()

    def _plain(self, text: str) -> None:
        """A line about a better plan (they are rationed, phases are not)."""
        self._write(text)
        self._last_plain = time.monotonic()
        self._pending = ""

    def _flush_plain(self) -> None:
        if not self.live and self._pending:
            self._plain(self._pending)
