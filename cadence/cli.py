"""The ``cadence`` command: thin click commands over library functions.

Domain errors become exit codes here and nowhere else: 0 ok, 1 rules that cannot all hold or a
plan with violations, 2 bad input.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

import click

from cadence import loader, sv
from cadence.calendar import WorkCalendar
from cadence.errors import CadenceError, InputError

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
                f"\"{note.name}\",{note.weight or ''}"
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


@main.command()
def schema() -> None:
    """Print the JSON Schema of scenario files (for editors such as VS Code)."""
    from cadence.schema import schema_text

    click.echo(schema_text(), nl=False)
