"""The ``cadence`` command: thin click commands over library functions.

Domain errors become exit codes here and nowhere else: 0 ok, 1 rules that cannot all hold or a
plan with violations, 2 bad input.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date, datetime
from functools import wraps
from pathlib import Path
from typing import Any

import click

from cadence import loader, sv
from cadence.calendar import WorkCalendar
from cadence.errors import CadenceError, InputError
from cadence.instance import Held

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
    """Check a scenario file and report every problem with its line."""
    loaded = _load(scenario)
    s = loaded.scenario
    low = sum(g.meetings.min for g in s.groups)
    high = sum(g.meetings.max for g in s.groups)
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


def _held_meetings(folder: Path, as_of: date) -> list[Held]:
    """The previous plan's meetings before ``as_of``: they took place and never move."""
    from cadence.export.table import read_plan

    previous = folder / "plan.csv"
    if not previous.exists():
        raise InputError(
            f"as of {as_of}, meetings before it are held, but {previous} does not exist: "
            "plan without --as-of first, or point --out at the published plan"
        )
    return [
        Held(m.group, m.start.date(), m.start.time())
        for m in read_plan(previous).meetings
        if m.start.date() < as_of
    ]


def _progress(elapsed: float, objective: float, bound: float) -> None:
    if elapsed >= 1.0:
        click.echo(f"  {elapsed:6.1f} s  best {objective:.0f}  bound {bound:.0f}", err=True)


@main.command()
@scenario_argument
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), help="Output folder.")
@click.option(
    "--time-limit",
    type=float,
    default=20.0,
    show_default=True,
    help="Solver budget in CP-SAT deterministic seconds (same budget, same plan on any machine).",
)
@click.option("--workers", type=int, default=8, show_default=True, help="CP-SAT workers.")
@click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Meetings before this day (in the previous plan.csv in --out) are held and never move.",
)
@_domain_errors
def plan(
    scenario: Path, out: Path | None, time_limit: float, workers: int, as_of: datetime | None
) -> None:
    """Place every meeting of the period; write the plan, its feeds, tables and årshjul."""
    from cadence import solver
    from cadence.export import publish
    from cadence.output import write_folder
    from cadence.planning import make_plan

    loaded = _load(scenario)
    folder = out or Path("exports") / scenario.stem
    cutoff = as_of.date() if as_of else loaded.scenario.period.as_of
    held = _held_meetings(folder, cutoff) if cutoff else []
    settings = solver.Settings(time_limit=time_limit, workers=workers)
    outcome = make_plan(loaded.scenario, scenario.stem, settings, _progress, held, cutoff)
    result = outcome.result
    if outcome.violations:  # the solver and the verifier disagree: never publish such a plan
        for violation in outcome.violations:
            click.echo(f"violation: {violation}", err=True)
        raise CadenceError("the plan breaks the rules above; nothing was written")
    write_folder(folder, publish(loaded.scenario, outcome.plan, cutoff))
    gap = "" if result.status == "optimal" else f", bound {result.bound:.0f}"
    click.echo(
        f"{result.status}: objective {result.objective}{gap}, solved in "
        f"{result.solve_seconds:.2f} s ({result.variables} variables, "
        f"{result.constraints} constraints)"
    )
    values = ", ".join(f"{goal} {value}" for goal, value in result.goal_values.items())
    click.echo(f"goals: {values}")
    counts = ", ".join(f"{g} {len(ms)}" for g, ms in result.meetings.items())
    click.echo(f"meetings: {counts}")
    click.echo(f"wrote {folder}: plan.csv, plan.xlsx, feeds, årshjul; open {folder / 'index.html'}")


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
    from cadence.export.table import read_plan
    from cadence.verify import check

    loaded = _load(scenario)
    violations = check(loaded.scenario, read_plan(plan_file, loaded.scenario))
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
@click.option("--port", type=int, default=8000, show_default=True, help="Port to listen on.")
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
