"""One output folder and its scenario file, as a caller that stays open works with them.

The web app (:mod:`cadence.app`) is such a caller: it reads the published plan, asks what a
change would do (a re-plan that writes nothing), applies the answer as a new version
(:mod:`cadence.history`), undoes, and edits the scenario file (:mod:`cadence.edit`). Every rule
and every message comes from the library modules this one calls; it only puts them in order,
as ``cadence move`` does on the command line.
"""

from __future__ import annotations

import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from cadence import explain as explaining
from cadence import loader, replan, solver, sv
from cadence import options as choosing
from cadence.answers import Request, to_json
from cadence.clash import Where
from cadence.diff import compare
from cadence.edit import Edited
from cadence.errors import InfeasibleError, InputError
from cadence.export.report import CSV as REPORT_CSV
from cadence.export.report import Entry, markdown, read_csv
from cadence.export.report import text as report_text
from cadence.history import History, Stale, Version
from cadence.instance import Instance
from cadence.output import PUBLISHED_AT, check_writable, lock, published_at
from cadence.plan import Plan
from cadence.scenario import Publish, Scenario
from cadence.state import FILE as STATE_FILE
from cadence.state import Change, State
from cadence.state import load as load_state

ProgressFn = Callable[[float, float, float], None]


@dataclass(frozen=True)
class Proposal:
    """What a change would do, computed against ``version``: the options as JSON
    (:func:`cadence.answers.to_json`'s form) and, for each option, the files applying it
    writes (rendered only when it is applied)."""

    version: int
    label: str
    data: dict[str, Any]
    render: Callable[[int], dict[str, bytes]] = field(repr=False, compare=False)
    scenario: bytes = field(repr=False, compare=False)

    @property
    def option_ids(self) -> list[int]:
        return [int(o["id"]) for o in self.data.get("options", [])]


@dataclass(frozen=True)
class Current:
    """The published plan as the folder holds it now."""

    loaded: loader.Loaded
    state: State
    cutoff: date | None
    version: Version
    instance: Instance
    plan: Plan
    report: tuple[Entry, ...] | None


class Workspace:
    """``scenario`` planned into ``folder``; ``as_of`` as on the command line (default: the
    scenario's ``period.as_of`` for a fresh plan, today for a re-plan)."""

    def __init__(
        self,
        scenario: Path,
        folder: Path,
        as_of: date | None = None,
        settings: solver.Settings | None = None,
        wait: float = 30.0,
    ):
        self.scenario = scenario
        self.folder = folder
        self.as_of = as_of
        self.settings = settings or solver.Settings()
        self.wait = wait
        self.history = History(folder, scenario)
        self._proposals: dict[tuple[object, ...], Proposal] = {}
        self._current: tuple[tuple[object, ...], Current] | None = None
        self._guard = threading.Lock()

    # -- reading ---------------------------------------------------------------------------

    def has_plan(self) -> bool:
        return (self.folder / STATE_FILE).is_file()

    def load(self, text: str | None = None) -> loader.Loaded:
        """The scenario (``text`` instead of the file, for an edit), published where the folder
        says it is, as ``cadence plan`` reads it."""
        loaded = loader.load(self.scenario) if text is None else loader.loads(text, self.scenario)
        if loaded.scenario.publish.base is None and (known := published_at(self.folder)):
            publish = Publish(base_url=known)
            if not publish.problems():
                loaded = replace(loaded, scenario=replace(loaded.scenario, publish=publish))
        return loaded

    def cutoff(self, scenario: Scenario, state: State | None) -> date | None:
        if self.as_of is not None:
            return self.as_of
        if state is None or scenario.period.as_of is not None:
            return scenario.period.as_of
        return date.today()  # a re-plan: what lies before today has taken place (as the CLI)

    def current(self) -> Current:
        """The published plan, its version (recorded now if the folder changed outside the
        history, e.g. by ``cadence move``) and the last change report. A version is one content
        of the folder and the scenario, so what was read for it is kept until the next one."""
        if not self.has_plan():
            raise InputError(f"{self.folder}: no published plan (plan.json); plan first")
        with self.writing("cadence app"):  # a killed apply is recovered before anything is read
            first = self.history.head() is None
            version = self.history.ensure(
                "Planen som den låg i mappen"
                if first
                else "Ändrad utanför appen (t.ex. cadence move)"
            )
        key = (version.id, version.scenario, version.files.get(STATE_FILE), date.today())
        cached = self._current
        if cached is not None and cached[0] == key:
            return cached[1]
        loaded = self.load()
        state = load_state(self.folder, loaded.scenario, self.scenario.stem)
        if state is None:
            raise InputError(f"{self.folder}: no published plan (plan.json); plan first")
        cutoff = self.cutoff(loaded.scenario, state)
        inst, plan = explaining.published(loaded.scenario, state, self.scenario.stem, cutoff)
        path = self.folder / REPORT_CSV
        report = read_csv(path) if path.is_file() else None
        now = Current(loaded, state, cutoff, version, inst, plan, report)
        self._current = (key, now)
        return now

    def explain(
        self, meeting: str, settings: solver.Settings, days: bool = True
    ) -> explaining.Explanation:
        """What ``cadence explain`` says of ``meeting``; without ``days``, only its rules."""
        now = self.current()
        cutoff = self.as_of or explaining.default_cutoff(now.loaded.scenario, now.state)
        return explaining.explain(
            now.loaded, self.scenario.stem, now.state, meeting, settings, cutoff, now.report, days
        )

    def since_announced(self) -> tuple[Version | None, str]:
        """The change report (andringar.md's form) from the version last announced to the
        groups to the current one: each meeting's net change (:func:`cadence.diff.compare` of
        the two plan.json), with the reason and the people from the latest change report that
        names it. Empty text when nothing changed."""
        head = self.history.head()
        base = self.history.announced()
        if base is None:
            lineage = self.history.lineage()
            base = lineage[-1] if lineage else None
        if head is None or base is None or base.id == head.id:
            return base, ""
        newer = []  # the versions after the announced one, newest first
        for version in self.history.lineage():
            if version.id == base.id:
                break
            newer.append(version)
        with tempfile.TemporaryDirectory(prefix="cadence-since-") as tmp:
            old, new = Path(tmp) / "old.json", Path(tmp) / "new.json"
            old.write_bytes(self.history.files(base)["plan.json"])
            new.write_bytes(self.history.files(head)["plan.json"])
            entries = list(compare(old, new))
            told: dict[tuple[str, str], Entry] = {}
            bent: list[Entry] = []
            for version in reversed(newer):  # oldest first: the latest word wins
                data = self.history.files(version).get(REPORT_CSV)
                if data is None:
                    continue
                path = Path(tmp) / f"{version.id}.csv"
                path.write_bytes(data)
                for entry in read_csv(path):
                    told[(entry.kind, entry.meeting)] = entry
                    if entry.kind == "avsteg" and entry not in bent:
                        bent.append(entry)  # a rule bent on the way is news, not a net change
        enriched = list(bent)
        for entry in entries:
            known = told.get((entry.kind, entry.meeting))
            if known is not None and entry.kind != "punkt":
                entry = replace(entry, reason=known.reason, groups=known.groups,
                                people=known.people)  # fmt: skip
            enriched.append(entry)
        scenario = self.load().scenario
        return base, markdown(scenario, tuple(enriched)) if enriched else ""

    def announce(self, expected: int) -> Version:
        with self.writing("cadence app: announce"):
            return self.history.announce(expected)

    # -- writing ---------------------------------------------------------------------------

    @contextmanager
    def writing(self, command: str) -> Iterator[None]:
        """The folder's writer lock (one writer, across processes too), a journal recovered."""
        with self._guard, lock(self.folder, command, self.wait):
            self.history.recover()
            yield

    def plan_first(self, progress: ProgressFn | None = None, when: str = "") -> Version:
        """Plan the scenario afresh into an empty folder and record it as the first version."""
        check_writable(self.folder)
        loaded = self.load()
        with self.writing("cadence app: plan"):
            if self.has_plan():
                return self.history.ensure("Planen som den låg i mappen", when)
            cutoff = self.cutoff(loaded.scenario, None)
            replan.refuse_impossible(None, loaded.impossible)
            done = replan.run(
                loaded.scenario, self.scenario.stem, None, self.settings, cutoff, progress, 0,
                Where(loaded.locations, self.scenario.name),
            )  # fmt: skip
            if done.violations:
                raise InputError("; ".join(str(v) for v in done.violations))
            return self.history.apply(done.files, self.scenario.read_bytes(), "Första planen", when)

    def propose(self, request: Request, progress: ProgressFn | None = None) -> Proposal:
        """The options for ``request`` against the published plan (:func:`cadence.options.
        answer`: the all-rules option, and options that bend one rule when keeping every rule
        costs more than the scenario's ``changes`` limits). Never writes."""
        now = self.current()
        key = ("change", now.version.id, request)
        if key in self._proposals:
            return self._proposals[key]
        cutoff = now.cutoff or now.loaded.scenario.period.start
        change = request.change(now.loaded.scenario, now.state, cutoff)
        where = Where(now.loaded.locations, self.scenario.name)
        answer = choosing.answer(
            now.loaded.scenario, self.scenario.stem, now.state, request, self.settings, cutoff,
            where,
        )  # fmt: skip
        data = to_json(answer)
        if answer.status == "refused":
            data["message"] = answer.refusal

        def render(number: int) -> dict[str, bytes]:
            done = choosing.apply(answer, number)
            return self._checked(done.violations, done.files)

        label = _label(now.loaded.scenario, now.state, change)
        proposal = Proposal(now.version.id, label, data, render, self.scenario.read_bytes())
        self._proposals[key] = proposal
        return proposal

    def propose_edit(self, edited: Edited, progress: ProgressFn | None = None) -> Proposal:
        """What a scenario edit would do: the file checked with the CLI's located messages,
        then re-planned with the fewest moves. Never writes."""
        now = self.current()
        key = ("edit", now.version.id, edited.text)
        if key in self._proposals:
            return self._proposals[key]
        loaded = self.load(edited.text)
        state = load_state(self.folder, loaded.scenario, self.scenario.stem)
        assert state is not None
        proposal = self._replan(
            now, loaded, state, progress, edited.label, edited.text.encode("utf-8")
        )
        self._proposals[key] = proposal
        return proposal

    def apply(self, proposal: Proposal, option: int, expected: int, when: str = "") -> Version:
        """Publish ``proposal``'s option ``option`` as the new version, if ``expected`` is still
        the current version (else :class:`cadence.history.Stale`, nothing changed)."""
        if proposal.data.get("status") == "refused":
            raise InfeasibleError(f"refused, nothing changed: {proposal.data.get('message')}")
        if option not in proposal.option_ids:
            raise InputError(f"no option {option}; the options are {proposal.option_ids}")
        with self.writing("cadence app: apply"):
            head = self.history.head()
            if head is None or head.id != expected or proposal.version != expected:
                raise Stale(expected, head.id if head else None)
            files = proposal.render(option)
            version = self.history.apply(files, proposal.scenario, proposal.label, when)
        self._proposals.clear()
        return version

    def undo(self, expected: int) -> Version:
        with self.writing("cadence app: undo"):
            version = self.history.undo(expected)
        self._proposals.clear()
        return version

    def _checked(self, violations: Any, files: dict[str, bytes]) -> dict[str, bytes]:
        """The files of a checked plan (a plan the verifier faults is never published), with
        the folder's recorded web address kept."""
        if violations:
            raise InputError("; ".join(str(v) for v in violations))
        files = dict(files)
        if PUBLISHED_AT not in files and (self.folder / PUBLISHED_AT).is_file():
            files[PUBLISHED_AT] = (self.folder / PUBLISHED_AT).read_bytes()
        return files

    def _replan(
        self,
        now: Current,
        loaded: loader.Loaded,
        state: State,
        progress: ProgressFn | None,
        label: str,
        scenario_bytes: bytes,
    ) -> Proposal:
        """A scenario edit re-planned as ``cadence plan`` re-plans: one option, every rule."""
        done = replan.run(
            loaded.scenario, self.scenario.stem, state, self.settings, now.cutoff, progress, 0,
            Where(loaded.locations, self.scenario.name),
        )  # fmt: skip
        files = self._checked(done.violations, done.files)
        data = {
            "status": "choose",
            "refusal": None,
            "options": [_option(1, done.entries or ())],
        }
        return Proposal(now.version.id, label, data, lambda _: files, scenario_bytes)


def _label(scenario: Scenario, state: State, change: Change) -> str:
    """The change in Swedish, for the history."""
    when = ""
    if change.day is not None:
        when = f"{sv.weekday(change.day)} {sv.day_month(change.day)} {change.day.year}"
        if change.start is not None:
            when += f" kl. {change.start:%H:%M}"
    if change.action == "move":
        return f"Flyttade {change.meeting} till {when}"
    if change.action == "cancel":
        record = state.record(change.meeting)
        day = f" ({record.start.date()})" if record else ""
        return f"Ställde in {change.meeting}{day}"
    return f"Lade till {change.meeting} ({scenario.group(change.group).name}) {when}"


def _option(number: int, entries: tuple[Entry, ...]) -> dict[str, Any]:
    """A re-plan's change report as one option, in :func:`cadence.answers.to_json`'s form."""
    moves = []
    people: dict[str, None] = {}
    shift = 0
    for entry in entries:
        people.update(dict.fromkeys(entry.people))
        if entry.kind == "punkt":
            continue
        if entry.old_start and entry.new_start:
            shift += abs((entry.new_start.date() - entry.old_start.date()).days)
        moves.append(
            {
                "meeting": entry.meeting,
                "group": entry.group,
                "from": entry.old_start.isoformat() if entry.old_start else None,
                "to": entry.new_start.isoformat() if entry.new_start else None,
                "asked": False,
            }
        )
    return {
        "id": number,
        "moves": moves,
        "other_moves": len(moves),
        "shift_days": shift,
        "within_limits": True,
        "bends": [],
        "notify": sorted(people),
        "summary": report_text(entries) if entries else "Inga möten flyttas.",
    }
