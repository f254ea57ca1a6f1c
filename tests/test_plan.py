"""The plan's notes: a meeting on another weekday than usual says the true reason, the same
reason `cadence explain` gives."""

import csv
import re
from pathlib import Path

from click.testing import CliRunner

from cadence import instance as instances
from cadence import loader
from cadence.cli import main
from cadence.plan import off_weekday
from tests.conftest import DATA

FIXED = DATA / "notes-fixed.yaml"


def test_a_fixed_date_is_the_note_of_each_fixed_meeting(tmp_path: Path):
    """The issue's case: five decided dates around the changes of summer time, none on the
    usual Tuesday. Each note says "fast datum (rad N)", in plan.csv and in the feed; it used
    to say that Tuesday "hade gett sämre avstånd i kedjan" for three of them."""
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["plan", str(FIXED), "--out", str(out)])
    assert result.exit_code == 0, result.output
    with (out / "plan.csv").open(encoding="utf-8") as handle:
        notes = [(row["id"], row["note"]) for row in csv.DictReader(handle)]
    lead = "Annan veckodag än vanligt (tisdag): fast datum"
    assert notes == [
        ("NAT-2026-01", f"{lead} (rad 17)."),
        ("NAT-2026-02", f"{lead} (rad 18)."),
        ("NAT-2026-03", f"{lead} (rad 19)."),
        ("NAT-2026-04", f"{lead} (rad 20)."),
        ("NAT-2026-05", f"{lead} (rad 21)."),
    ]
    feed = re.sub(r"\r\n[ \t]", "", (out / "alla.ics").read_text(encoding="utf-8"))
    assert feed.count("fast datum (rad ") == 5
    assert "hade gett sämre" not in feed
    explained = CliRunner().invoke(main, ["explain", "NAT-2026-01", str(FIXED), "--out", str(out)])
    assert "ett fast datum [notes-fixed.yaml:17]" in explained.output


def test_without_the_file_the_note_still_says_fixed():
    """A plan built without the file's lines (a library caller) says where in words."""
    scenario = loader.load(FIXED).scenario
    inst = instances.build(scenario)
    day = inst.index(scenario.groups[0].fixed[0].date)
    assert (
        off_weekday(inst, "NAT", day)
        == "Annan veckodag än vanligt (tisdag): fast datum i scenariot."
    )
