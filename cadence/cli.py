"""The ``cadence`` command: thin click commands over library functions.

Domain errors become exit codes here and nowhere else: 0 ok, 1 rules that cannot all hold or a
plan with violations, 2 bad input, 3 a change that needs the coordinator's choice (move, cancel
or add printed its options and wrote nothing).
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from cadence import limits, loader, sv
from cadence.budget import WALL_GRACE, WALL_PER_UNIT
from cadence.calendar import WorkCalendar
from cadence.errors import (
    CadenceError,
    ChoiceNeeded,
    ImpossibleError,
    InfeasibleError,
    InputError,
)
from cadence.progress import Progress
from cadence.scenario import Publish, Scenario
from cadence.state import FILE as STATE_FILE
from cadence.state import extra as state_extra
from cadence.state import held_until
from cadence.state import load as load_state

if TYPE_CHECKING:
    from cadence.answers import Request

DEFAULT_SCENARIO = Path("scenarios/sormland-2026.yaml")

_NOTE_KIND = {
    "holiday": "helgdag",
    "half_day": "halvdag",
    "blackout": "uppehåll",
    "avoid": "undvik",
}


def _domain_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Report cadence's errors in words and exit with their code, never with a traceback."""

    @wraps(func)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except CadenceError as err:
            if isinstance(err, InputError) and err.problems:
                for problem in err.problems:
                    click.echo(f"error: {problem}", err=True)
                click.echo(f"{len(err.problems)} problem(s) found; nothing was written.", err=True)
            elif isinstance(err, ImpossibleError):
                for problem in err.problems:
                    click.echo(f"error: {problem}", err=True)
                click.echo(
                    f"{len(err.problems)} rule(s) no plan can keep, found before any solve; "
                    "nothing was written.",
                    err=True,
                )
            else:
                click.echo(f"error: {err}", err=True)
            sys.exit(err.exit_code)

    return run


def _load(path: Path) -> loader.Loaded:
    loaded = loader.load(path)
    for warning in loaded.warnings:
        click.echo(f"warning: {warning}", err=True)
    return loaded


scenario_argument = click.argument(
    "scenario", type=click.Path(path_type=Path, dir_okay=False), default=DEFAULT_SCENARIO
)


@click.group()
@click.version_option(package_name="cadence")
def main() -> None:
    """Plan the meetings of a regional collaboration structure for a year."""


@main.command()
@scenario_argument
@_domain_errors
def validate(scenario: Path) -> None:
    """Check a scenario file and report every problem with its line, and what a plan
    certainly cannot keep (found without solving)."""
    loaded = _load(scenario)
    if loaded.impossible:
        raise ImpossibleError(loaded.impossible)
    s = loaded.scenario
    low = sum(g.meetings.low for g in s.groups)
    high = sum(g.meetings.high for g in s.groups)
    asked = str(low) if low == high else f"{low}–{high}"
    click.echo(
        f"{scenario}: valid. {len(s.groups)} groups, {len(s.people)} people, "
        f"{len(s.items)} agenda items, {asked} meetings a year, "
        f"{s.period.start}–{s.period.end}."
    )


@main.command()
@scenario_argument
@click.option("--year", type=int, help="Only this year of the period.")
@click.option("--csv", "as_csv", is_flag=True, help="Comma-separated, for a spreadsheet.")
@_domain_errors
def calendar(scenario: Path, year: int | None, as_csv: bool) -> None:
    """List every blocked or discouraged day of the period with its name and ISO week."""
    s = _load(scenario).scenario
    cal = WorkCalendar(s.calendar, s.period)
    notes = [n for n in cal.notes() if year is None or n.day.year == year]
    if as_csv:
        click.echo("datum,veckodag,vecka,typ,namn,vikt")
    for note in notes:
        kind = _NOTE_KIND[note.kind]
        if as_csv:
            click.echo(
                f"{note.day},{sv.weekday(note.day)},{sv.iso_week(note.day)},{kind},"
                f'"{note.name}",{note.weight or ""}'
            )
            continue
        extra = f" (vikt {note.weight})" if note.weight else ""
        click.echo(
            f"{note.day}  {sv.weekday(note.day):<8} v{sv.iso_week(note.day):<3} "
            f"{kind:<9} {note.name}{extra}"
        )
    if not as_csv:
        working = [d for d in cal.working_days() if year is None or d.year == year]
        click.echo(f"{len(working)} working days.")


def with_base_url(scenario: Scenario, base_url: str, where: str = "--base-url") -> Scenario:
    """The scenario published at ``base_url`` (checked like the scenario key)."""
    publish = Publish(base_url=base_url)
    problems = [message for _, message in publish.problems()]
    if problems:
        raise InputError(f"{where}: {'; '.join(problems)}")
    return replace(scenario, publish=publish)


class _Budget(click.FloatRange):
    """Seconds of solver time: positive and finite (nan passes any range, so it is refused)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        number = super().convert(value, param, ctx)
        if math.isnan(number):
            self.fail(f"{value!r} is not a number of seconds.", param, ctx)
        return number


MAX_TIME_LIMIT = 3600.0
EXPLAIN_TIME_LIMIT = 20.0
"""`cadence explain` re-plans up to three alternative days in two stages each: at the plan's
default of 3 each stage would get half a deterministic second, and on Sörmland two of three
alternatives came back undecided."""
"""Deterministic seconds; an hour of it is several hours on two cores."""


def _solve_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """The options every command that solves shares."""
    options = [
        click.option(
            "--out", type=click.Path(path_type=Path, file_okay=False), help="Output folder."
        ),
        click.option(
            "--time-limit",
            type=_Budget(min=0.0, max=MAX_TIME_LIMIT, min_open=True),
            default=limits.DEFAULT_TIME_LIMIT,
            show_default=True,
            help="Solver budget in CP-SAT deterministic seconds (same budget, same plan on any "
            f"machine). A run that would take longer than {WALL_PER_UNIT:g} wall seconds per "
            f"unit plus {WALL_GRACE:g} stops there, with its best plan or a message.",
        ),
        click.option(
            "--workers",
            type=click.IntRange(min=1, max=64),
            default=2,  # solver.Settings.workers; the solver is imported only when solving
            show_default=True,
            help="CP-SAT worker threads (the plan depends on it; keep it fixed).",
        ),
        click.option(
            "--as-of",
            type=click.DateTime(formats=["%Y-%m-%d"]),
            metavar="DATE",
            default=None,
            help="Meetings before this day are held and never move (default when a plan is "
            "published in --out: today; else the scenario's period.as_of).",
        ),
        click.option(
            "--base-url",
            metavar="URL",
            help="Web address the output folder is published at, e.g. "
            "https://example.org/kalender: index.html, the feeds and the change report then "
            "give full https:// and webcal:// addresses (overrides publish.base_url).",
        ),
        click.option(
            "--keep-cancelled",
            type=click.IntRange(min=0, max=3660),
            default=0,
            show_default=True,
            help="Days after its date that a cancelled meeting stays in the feeds as cancelled.",
        ),
        click.option(
            "--dry-run",
            is_flag=True,
            help="Print what would change (the change report) and write nothing.",
        ),
        click.option(
            "--wait",
            type=float,
            default=60.0,
            show_default=True,
            help="Seconds to wait while another cadence command writes the output folder.",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


PHASES = {
    "instance": "reading the rules into days",
    "model": "building the model",
    "first plan": "constructing a first plan",
    "fewest moves": "finding the fewest published meetings to move",
    "search": "searching for a better plan",
    "plan": "checking the plan, making the feeds",
}
"""What the progress line says in each phase of :class:`cadence.budget.Clock`."""


def _change_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """The options of move, cancel and add: which option to apply, and JSON output."""
    options = [
        click.option(
            "--option",
            type=click.IntRange(min=1, max=9),
            default=None,
            metavar="N",
            help="Apply option N of the ones printed when the change needs a choice (exit 3).",
        ),
        click.option(
            "--json",
            "as_json",
            is_flag=True,
            help="Print the answer (status, options, moves, bends) as JSON "
            "(docs/changes.schema.json).",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _replan(
    scenario: Path,
    out: Path | None,
    time_limit: float,
    workers: int,
    as_of: datetime | None,
    keep_cancelled: int,
    dry_run: bool,
    wait: float,
    base_url: str | None = None,
    request: Request | None = None,
    option: int | None = None,
    as_json: bool = False,
) -> None:
    """Load, (re-)plan with the published state and an optional new change (its options, see
    :mod:`cadence.options`), write, report.

    The whole run holds the output folder's lock, so a second command waits and then re-plans
    from what this one wrote (or gives up after ``wait`` seconds, exit 2)."""
    from contextlib import nullcontext

    from cadence.output import check_writable, lock

    folder = out or Path("exports") / scenario.stem
    if not dry_run:
        check_writable(folder)  # before the lock and the solve: an unwritable run never starts
    command = " ".join(["cadence", *(a for a in sys.argv[1:3])])
    with nullcontext() if dry_run else lock(folder, command, wait):
        if not dry_run:
            from cadence.history import History

            History(folder, scenario).recover()  # a workbench apply killed halfway comes first
        _replan_locked(
            scenario, folder, time_limit, workers, as_of, keep_cancelled, dry_run, base_url,
            request, option, as_json,
        )  # fmt: skip


def _replan_locked(
    scenario: Path,
    folder: Path,
    time_limit: float,
    workers: int,
    as_of: datetime | None,
    keep_cancelled: int,
    dry_run: bool,
    base_url: str | None,
    request: Request | None,
    option: int | None,
    as_json: bool,
) -> None:
    from cadence import answers, options, solver
    from cadence.budget import Clock
    from cadence.clash import Where
    from cadence.export.report import MARKDOWN as REPORT
    from cadence.export.report import text
    from cadence.output import PUBLISHED_AT, published_at, write_folder
    from cadence.quality import describe
    from cadence.replan import refuse_impossible, run

    clock = Clock(time_limit)
    clock.phase("reading")
    loaded = _load(scenario)
    if base_url is not None:
        loaded = replace(loaded, scenario=with_base_url(loaded.scenario, base_url))
    elif loaded.scenario.publish.base is None and (known := published_at(folder)):
        # Where an earlier run was told the folder is published: a move keeps the addresses.
        where = str(folder / PUBLISHED_AT)
        loaded = replace(loaded, scenario=with_base_url(loaded.scenario, known, where))
    state = load_state(folder, loaded.scenario, scenario.stem)
    cutoff = as_of.date() if as_of else loaded.scenario.period.as_of
    if cutoff is None or cutoff <= loaded.scenario.period.start:
        # (a fresh plan as of a later day has no held meetings to read: run says so, exit 2)
        refuse_impossible(state, loaded.impossible)
    if state is not None and cutoff is None:
        cutoff = date.today()  # re-planning: what lies before today has taken place
    if request is not None and state is None:
        raise InputError(
            f"{folder}: no published plan (plan.json) to change; run cadence plan first"
        )
    settings = solver.Settings(time_limit=time_limit, workers=workers, clock=clock)
    lines = Where(loaded.locations, scenario.name)
    stream = sys.stderr
    with Progress(stream, live=stream.isatty()) as progress:
        clock.listener = lambda name: progress.phase("solving", PHASES.get(name, name))
        if request is not None:
            assert state is not None and cutoff is not None
            progress.phase("solving", "the change, and its options if it moves too much")
            found = options.answer(
                loaded.scenario, scenario.stem, state, request, settings, cutoff, lines
            )
            if as_json:
                click.echo(json.dumps(answers.to_json(found), ensure_ascii=False, indent=1))
            if found.status == "refused":
                raise InfeasibleError(f"refused, nothing changed: {found.refusal}")
            if found.status == "choose" and option is None:
                if not as_json:
                    click.echo(answers.text(found), nl=False)
                raise ChoiceNeeded(
                    f"a choice is needed: {answers.why(found)}. Choose one of the "
                    f"{len(found.options)} options above and run the command again with "
                    "--option N (nothing was written)"
                )
            number = option or 1
            if not as_json and found.status == "choose":
                click.echo(found.option(number).summary)
            done = options.apply(found, number, keep_cancelled)
        else:
            progress.phase("solving", "building the model, looking for a first plan")
            done = run(
                loaded.scenario, scenario.stem, state, settings, cutoff, progress, keep_cancelled,
                lines,
            )  # fmt: skip
        if not done.violations and not dry_run:
            clock.listener = None
            clock.phase("writing", check=False)
            progress.phase("writing", str(folder))
            try:
                write_folder(folder, done.files)
            except OSError as err:
                raise InputError(f"cannot write {folder}: {err.strerror or err}") from None
        clock.done()
    result = done.result
    if done.violations:  # the solver and the verifier disagree: never publish such a plan
        for violation in done.violations:
            click.echo(f"violation: {violation}", err=True)
        raise CadenceError("the plan breaks the rules above; nothing was written")
    if as_json:
        return
    if result.status == "optimal":
        gap = " (proven best)"
    elif result.bound is None:
        gap = " (the first plan that keeps every rule: the search found none better in time)"
    else:
        share = max(0.0, done.objective - result.bound) / max(1.0, abs(done.objective))
        which = f" ({result.bound_source})" if result.bound_source else ""
        gap = f", bound {result.bound:.0f}{which}, gap {share:.1%}"
    click.echo(
        f"{result.status}: objective {done.objective}{gap}, solved in "
        f"{result.solve_seconds:.2f} s ({result.variables} variables, "
        f"{result.constraints} constraints)"
    )
    for line in describe(done.quality):
        click.echo(f"quality: {line}")
    click.echo(f"phases: {clock.summary()}")
    if clock.cut:
        click.echo(
            f"warning: the search stopped at the wall-clock ceiling ({clock.ceiling:.0f} s), "
            f"before its {time_limit:g} deterministic seconds: this plan depends on the "
            "machine's speed and load",
            err=True,
        )
    if result.moves is not None:
        proof = "proven fewest" if result.moves.proven else "not proven fewest"
        click.echo(
            f"moved: {result.moves.count} published meeting(s) and {result.moves.items} "
            f"agenda item(s) ({proof}, {result.moves.seconds:.2f} s), shifted "
            f"{result.moves.shift} day(s) in all; as of {cutoff}"
        )
    values = ", ".join(f"{goal} {value}" for goal, value in done.goal_values.items())
    click.echo(f"goals: {values}")
    counts = ", ".join(f"{g} {len(ms)}" for g, ms in result.meetings.items())
    click.echo(f"meetings: {counts}")
    if done.entries is not None:
        click.echo(f"changes since the last publication (in Swedish, as in {REPORT}):")
        click.echo(text(done.entries, done.shift), nl=False)
    if dry_run:
        click.echo(f"dry run: nothing written to {folder}")
    else:
        click.echo(f"wrote {folder}: plan, feeds, årshjul, plan.json; open {folder / 'index.html'}")


@main.command()
@click.argument("scenarios", nargs=-1, type=click.Path(path_type=Path, dir_okay=False))
@_solve_options
@click.option(
    "--jobs",
    type=click.IntRange(min=1, max=64),
    default=None,
    help="With several scenarios: how many to plan at a time (default: one per core).",
)
@_domain_errors
def plan(
    scenarios: tuple[Path, ...],
    jobs: int | None,
    **solve: Any,
) -> None:
    """Place every meeting; write the plan, its feeds, tables and årshjul.

    When the output folder holds a published plan (plan.json), re-plan: meetings before --as-of
    stay, the fewest published meetings move, every meeting keeps its identity in the feeds,
    and a change report is written and printed.

    With several scenarios (SCENARIOS: A.yaml B.yaml ...), each is planned by a process of its
    own into OUT/<scenario> (default exports/<scenario>), as if run alone; a summary table
    follows, and one county's failure stops none of the others (exit: the worst county's).
    """
    if len(scenarios) <= 1:
        _replan(scenarios[0] if scenarios else DEFAULT_SCENARIO, **solve)
        return
    _plan_several(scenarios, jobs, **solve)


def _plan_several(
    scenarios: tuple[Path, ...],
    jobs: int | None,
    out: Path | None,
    time_limit: float,
    workers: int,
    as_of: datetime | None,
    keep_cancelled: int,
    dry_run: bool,
    wait: float,
    base_url: str | None,
) -> None:
    from cadence import batch

    if base_url is not None:
        raise InputError(
            "--base-url: several scenarios are published at several addresses; give each its "
            "publish.base_url in its scenario file"
        )
    options = ["--time-limit", repr(time_limit), "--workers", str(workers)]
    options += ["--keep-cancelled", str(keep_cancelled), "--wait", repr(wait)]
    if as_of is not None:
        options += ["--as-of", as_of.date().isoformat()]
    if dry_run:
        options.append("--dry-run")
    try:
        batch.folders(scenarios, out)
    except ValueError as err:
        raise InputError(str(err)) from None

    def done(county: batch.County) -> None:
        click.echo(f"== {county.scenario} → {county.folder} (exit {county.exit_code})")
        click.echo(county.output, nl=False)
        if county.errors:
            click.echo(county.errors, err=True)

    counties = batch.plan_all(scenarios, out, options, jobs, done)
    click.echo()
    click.echo(batch.table(counties), nl=False)
    code = batch.exit_code(counties)
    if code:
        sys.exit(code)


@main.command()
@click.argument("meeting")
@click.argument("day", metavar="DATE", type=click.DateTime(formats=["%Y-%m-%d"]))
@scenario_argument
@click.option(
    "--time", "at", metavar="HH:MM", type=click.DateTime(formats=["%H:%M"]), help="New start time."
)
@_solve_options
@_change_options
@_domain_errors
def move(
    meeting: str,
    day: datetime,
    scenario: Path,
    at: datetime | None,
    **solve: Any,
) -> None:
    """Move MEETING (its id in plan.csv) to DATE (YYYY-MM-DD) and re-plan; the move is kept
    by later runs. When keeping every rule would move too much, print the options and exit 3.

    \b
    Example: cadence move NSV-2026-04 2026-10-29 --out exports/sormland-2026
    """
    from cadence.answers import Request

    request = Request("move", meeting=meeting, day=day.date(), at=at.time() if at else None)
    _replan(scenario, request=request, **solve)


@main.command()
@click.argument("meeting")
@scenario_argument
@_solve_options
@_change_options
@_domain_errors
def cancel(
    meeting: str,
    scenario: Path,
    **solve: Any,
) -> None:
    """Cancel MEETING (its id in plan.csv) and re-plan: its group meets once less that year.
    When keeping every rule would move too much, print the options and exit 3.

    \b
    Example: cadence cancel AVÄ-2026-05
    """
    from cadence.answers import Request

    _replan(scenario, request=Request("cancel", meeting=meeting), **solve)


@main.command()
@click.argument("group")
@click.argument("day", metavar="DATE", type=click.DateTime(formats=["%Y-%m-%d"]))
@scenario_argument
@click.option(
    "--time", "at", metavar="HH:MM", type=click.DateTime(formats=["%H:%M"]), help="Start time."
)
@_solve_options
@_change_options
@_domain_errors
def add(
    group: str,
    day: datetime,
    scenario: Path,
    at: datetime | None,
    **solve: Any,
) -> None:
    """Add an extra meeting of GROUP on DATE (YYYY-MM-DD) and re-plan: the group meets once
    more that year. When keeping every rule would move too much, print the options and exit 3.

    \b
    Example: cadence add BGÄ 2026-11-26 --time 13:00
    """
    from cadence.answers import Request

    request = Request("add", group=group, day=day.date(), at=at.time() if at else None)
    _replan(scenario, request=request, **solve)


@main.command()
@click.argument("meeting")
@scenario_argument
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), help="Output folder.")
@click.option(
    "--time-limit",
    type=_Budget(min=0.0, max=MAX_TIME_LIMIT, min_open=True),
    default=EXPLAIN_TIME_LIMIT,
    show_default=True,
    help="Budget in CP-SAT deterministic seconds for re-planning the alternative days.",
)
@click.option(
    "--workers", type=click.IntRange(min=1, max=64), default=2, show_default=True,
    help="CP-SAT worker threads (the answer depends on it; keep it fixed).",
)  # fmt: skip
@click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    metavar="DATE",
    default=None,
    help="Meetings before this day are held (default: the scenario's period.as_of, else the "
    "day after the last meeting plan.json marks as held).",
)
@_domain_errors
def explain(
    meeting: str,
    scenario: Path,
    out: Path | None,
    time_limit: float,
    workers: int,
    as_of: datetime | None,
) -> None:
    """Why MEETING (its id in plan.csv) is where it is: the rules that bind it, the other days
    it could have had and what each costs, and whether the last re-plan moved it.

    \b
    Example: cadence explain NSV-2026-04 --out exports/sormland-2026
    """
    from cadence import explain as explaining
    from cadence import solver
    from cadence.export.report import CSV as REPORT
    from cadence.export.report import read_csv

    loaded = _load(scenario)
    folder = out or Path("exports") / scenario.stem
    state = load_state(folder, loaded.scenario, scenario.stem)
    if state is None:
        raise InputError(f"{folder}: no published plan (plan.json); run cadence plan first")
    report = read_csv(folder / REPORT) if (folder / REPORT).exists() else None
    cutoff = as_of.date() if as_of else explaining.default_cutoff(loaded.scenario, state)
    settings = solver.Settings(time_limit=time_limit, workers=workers)
    found = explaining.explain(loaded, scenario.stem, state, meeting, settings, cutoff, report)
    click.echo(explaining.text(found, loaded.scenario), nl=False)


@main.command()
@click.argument("old", type=click.Path(path_type=Path, exists=True))
@click.argument("new", type=click.Path(path_type=Path, exists=True))
@_domain_errors
def diff(old: Path, new: Path) -> None:
    """Compare two output folders (or plan.csv / plan.json files): moved, added, cancelled."""
    from cadence.diff import compare
    from cadence.export.report import text

    click.echo(text(compare(old, new)), nl=False)


@main.command(name="check")
@scenario_argument
@click.option(
    "--plan",
    "plan_file",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="plan.csv, or an .xlsx edited by hand.",
)
@_domain_errors
def check_plan(scenario: Path, plan_file: Path) -> None:
    """Check a plan against every hard rule of the scenario, without the solver."""
    from cadence.bends import apply as bent
    from cadence.bends import path as bend_path
    from cadence.bends import words
    from cadence.clash import Where
    from cadence.export.table import read_plan
    from cadence.verify import check

    loaded = _load(scenario)
    # Beside a published state, the coordinator's added and cancelled meetings change the counts,
    # the meetings held are the past: they took place as published, whatever the rules; and the
    # rules she chose to bend (an option of a change) are bent as decided.
    extra, held = None, None
    rules = loaded.scenario
    if (plan_file.parent / STATE_FILE).exists():
        state = load_state(plan_file.parent, loaded.scenario, scenario.stem)
        extra = state_extra(state) if state else None
        held = held_until(state) if state else None
        if state is not None and state.bends:
            rules = bent(rules, state.bends)
            for bend in state.bends:
                lines = Where(loaded.locations, scenario.name)
                click.echo(f"bent as decided: {words(bend, lines.of(bend_path(rules, bend)))}")
    limits.check_file(plan_file, limits.PLAN_BYTES, "plan file")
    violations = check(rules, read_plan(plan_file, loaded.scenario), held, extra)
    for violation in violations:
        click.echo(str(violation))
    if violations:
        click.echo(f"{len(violations)} violation(s).", err=True)
        sys.exit(1)
    click.echo(f"{plan_file}: every rule holds.")


@main.command()
@click.argument(
    "folder",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    default=Path("exports") / DEFAULT_SCENARIO.stem,
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=8000,
    show_default=True,
    help="Port to listen on.",
)
def serve(folder: Path, host: str, port: int) -> None:
    """Serve an output folder so calendars can subscribe to its feeds."""
    from cadence.serve import make_server

    try:
        server = make_server(folder, host, port)
    except OSError as err:
        click.echo(f"error: cannot listen on {host}:{port}: {err.strerror}", err=True)
        sys.exit(2)
    if host not in ("127.0.0.1", "::1", "localhost"):
        click.echo(f"warning: serving {folder} to the network on {host}", err=True)
    address = f"http://{host}:{server.server_address[1]}/"
    click.echo(f"serving {folder} at {address} (index: {address}index.html); Ctrl-C stops")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


@main.command()
def schema() -> None:
    """Print the JSON Schema of scenario files (for editors such as VS Code)."""
    from cadence.schema import schema_text

    click.echo(schema_text(), nl=False)


@main.command()
@scenario_argument
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), help="Output folder.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", type=click.IntRange(1, 65535), default=8765, show_default=True, help="Port."
)
@click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    metavar="DATE",
    default=None,
    help="Meetings before this day are held and never move (default as for cadence plan).",
)
@click.option(
    "--time-limit",
    type=_Budget(min=0.0, max=MAX_TIME_LIMIT, min_open=True),
    default=limits.DEFAULT_TIME_LIMIT,
    show_default=True,
    help="Solver budget in CP-SAT deterministic seconds for each plan and re-plan.",
)
@_domain_errors
def app(
    scenario: Path,
    out: Path | None,
    host: str,
    port: int,
    as_of: datetime | None,
    time_limit: float,
) -> None:
    """The coordinator's workbench in the browser: the year, why, move with a preview, undo,
    publish. Plans first when the folder has no plan yet."""
    from cadence.app.run import serve

    serve(scenario, out or Path("exports") / scenario.stem, host, port,
          as_of.date() if as_of else None, time_limit, click.echo)  # fmt: skip
