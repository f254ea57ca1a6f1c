"""The command line: exit codes, messages on stderr, never a traceback, nothing written."""

import csv
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from cadence.cli import main
from tests.conftest import DATA, ROOT


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_validate_ok():
    """A valid scenario: exit 0 and "valid"."""
    result = run("validate", str(DATA / "small.yaml"))
    assert result.exit_code == 0
    assert "valid" in result.output


def test_validate_bad_exits_2_with_lines():
    """An unknown group is reported with file, line and path, exit 2, no traceback."""
    result = run("validate", str(DATA / "bad-reference.yaml"))
    assert result.exit_code == 2
    assert "bad-reference.yaml:15 groups[0].feeds[0].to: unknown group 'BGX'" in result.stderr
    assert "Traceback" not in result.output + result.stderr


def test_validate_warnings_exit_0():
    """Chair-rule warnings are printed but the scenario is valid (exit 0)."""
    result = run("validate", str(DATA / "warn-chairs.yaml"))
    assert result.exit_code == 0
    assert result.stderr.count("warning:") == 2


def test_validate_writes_nothing(tmp_path: Path, monkeypatch):
    """Validating, even a broken file, leaves the working folder as it was."""
    monkeypatch.chdir(tmp_path)
    run("validate", str(DATA / "bad-types.yaml"))
    run("validate", str(DATA / "small.yaml"))
    assert list(tmp_path.iterdir()) == []


def test_default_scenario(monkeypatch):
    """Without an argument the default Sörmland 2026 scenario is used."""
    monkeypatch.chdir(ROOT)
    result = run("validate")
    assert result.exit_code == 0
    assert "sormland-2026.yaml: valid" in result.output


def test_calendar_lists_midsommarafton():
    """`cadence calendar` lists 2026-06-19 as Midsommarafton in week 25."""
    result = run("calendar", str(ROOT / "scenarios" / "sormland-2026.yaml"), "--year", "2026")
    assert result.exit_code == 0
    line = next(x for x in result.output.splitlines() if x.startswith("2026-06-19"))
    assert line.split() == ["2026-06-19", "fredag", "v25", "helgdag", "Midsommarafton"]


def test_calendar_csv():
    """`cadence calendar --csv` has Swedish headers and lists sportlov with its weight."""
    result = run("calendar", str(DATA / "small.yaml"), "--csv")
    lines = result.output.splitlines()
    assert lines[0] == "datum,veckodag,vecka,typ,namn,vikt"
    assert '2026-02-16,måndag,8,undvik,"Sportlov",3' in lines


def test_calendar_bad_scenario_exits_2():
    """`cadence calendar` on an invalid scenario exits 2."""
    assert run("calendar", str(DATA / "bad-cycle.yaml")).exit_code == 2


def test_schema_is_json():
    """`cadence schema` prints JSON Schema that requires groups."""
    import json

    schema = json.loads(run("schema").output)
    assert schema["title"] == "cadence scenario"
    assert "groups" in schema["required"]


def test_plan_then_check(tmp_path: Path):
    """`cadence plan` writes plan.csv that `cadence check` accepts; exit 0 both times."""
    out = tmp_path / "out"
    result = run("plan", str(DATA / "tiny.yaml"), "--out", str(out), "--time-limit", "5")
    assert result.exit_code == 0, result.output + result.stderr
    assert result.stdout.startswith("optimal: objective ")  # progress goes to stderr
    assert (out / "plan.csv").read_text(encoding="utf-8").startswith("id,uid,group,start,end,")
    checked = run("check", str(DATA / "tiny.yaml"), "--plan", str(out / "plan.csv"))
    assert checked.exit_code == 0
    assert "every rule holds" in checked.output
    for name in ("plan.xlsx", "alla.ics", "grupper/bg.ics", "index.html", "arshjul.html",
                 "arshjul.svg", "tidslinje.svg"):  # fmt: skip
        assert (out / name).stat().st_size > 0, name
    checked = run("check", str(DATA / "tiny.yaml"), "--plan", str(out / "plan.xlsx"))
    assert checked.exit_code == 0, checked.output


def test_two_runs_give_identical_output_folders(tmp_path: Path):
    """Two runs of the same scenario write byte-identical folders."""
    folders = [tmp_path / "one", tmp_path / "two"]
    for folder in folders:
        result = run("plan", str(DATA / "tiny.yaml"), "--out", str(folder), "--time-limit", "5")
        assert result.exit_code == 0, result.output + result.stderr

    def contents(folder: Path) -> dict[str, bytes]:
        return {
            str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()
        }

    first, second = (contents(f) for f in folders)
    assert len(first) > 10 and first.keys() == second.keys()
    for name in first:
        assert first[name] == second[name], name


def test_check_reports_violations_in_an_edited_xlsx(tmp_path: Path):
    """A plan edited in Excel: a meeting moved to a Sunday is reported, exit 1."""
    import pandas as pd

    out = tmp_path / "out"
    run("plan", str(DATA / "tiny.yaml"), "--out", str(out), "--time-limit", "5")
    frame = pd.read_csv(out / "plan.csv", dtype=str, keep_default_na=False)
    row = frame.index[frame["group"] == "AGB"][1]
    frame.loc[row, "start"] = "2026-03-01T09:00:00+01:00"
    frame.loc[row, "end"] = "2026-03-01T11:00:00+01:00"
    edited = tmp_path / "edited.xlsx"
    frame.to_excel(edited, index=False)
    result = run("check", str(DATA / "tiny.yaml"), "--plan", str(edited))
    assert result.exit_code == 1
    assert "[calendar] AGB 2026-03-01 is a söndag" in result.output


def test_check_unreadable_plan_exits_2(tmp_path: Path):
    """A plan with unreadable times, or no plan file, exits 2 with the line."""
    bad = tmp_path / "plan.csv"
    bad.write_text("id,group,start,end\nX,AGA,igår,imorgon\n", encoding="utf-8")
    result = run("check", str(DATA / "tiny.yaml"), "--plan", str(bad))
    assert result.exit_code == 2
    assert "plan.csv:2 start/end" in result.stderr
    assert (
        run("check", str(DATA / "tiny.yaml"), "--plan", str(tmp_path / "none.csv")).exit_code == 2
    )


def test_plan_infeasible_exits_1_and_writes_nothing(tmp_path: Path):
    """Rules that cannot hold: exit 1, a reason in words, and no output folder."""
    text = (
        (DATA / "tiny.yaml")
        .read_text(encoding="utf-8")
        .replace(
            "- {weekdays: [mon], reason: Ledig måndagar}",
            "- {start: 2026-01-01, end: 2026-06-30, reason: Tjänstledig}",
        )
    )
    scenario = tmp_path / "away.yaml"
    scenario.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    result = run("plan", str(scenario), "--out", str(out), "--time-limit", "5")
    assert result.exit_code == 1
    assert "AGA needs 2 meetings in 2026" in result.stderr
    assert not out.exists()


def test_same_output_in_separate_processes(tmp_path: Path):
    """Python orders sets of strings differently in every process: the plan must not care."""
    import os
    import subprocess
    import sys

    folders = []
    for seed in ("1", "2"):
        folder = tmp_path / f"seed{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        command = [sys.executable, "-m", "cadence", "plan", str(DATA / "tiny.yaml"),
                   "--out", str(folder), "--time-limit", "5"]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
        assert done.returncode == 0, done.stderr
        folders.append({str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*.*")})
    assert folders[0] == folders[1]


def test_cli_worker_default_is_the_solvers():
    """The CLI states the default without importing the solver; it must not drift from it."""
    from cadence import solver

    plan = main.commands["plan"]
    option = next(p for p in plan.params if p.name == "workers")
    assert option.default == solver.Settings.workers


# -- Changing a published plan: cancel, and the refusals -------------------------------------


@pytest.fixture(scope="module")
def tiny_folder(tmp_path_factory) -> Path:
    """The tiny scenario planned by the CLI into a folder (its published state beside it)."""
    out = tmp_path_factory.mktemp("tiny") / "out"
    result = run("plan", str(DATA / "tiny.yaml"), "--out", str(out), "--time-limit", "5")
    assert result.exit_code == 0, result.output
    return out


def files_in(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def meetings_in(folder: Path) -> list[dict[str, str]]:
    """The rows of the folder's plan.csv, by start."""
    with (folder / "plan.csv").open(encoding="utf-8", newline="") as text:
        return sorted(csv.DictReader(text), key=lambda row: row["start"])


def test_cancel_re_plans_with_one_meeting_less(tiny_folder: Path, tmp_path: Path):
    """`cadence cancel`: exit 0, the change report says inställt, the group meets once less,
    and the feeds keep the meeting as cancelled."""
    out = tmp_path / "out"
    shutil.copytree(tiny_folder, out)
    agb = [row for row in meetings_in(out) if row["group"] == "AGB"]
    gone = agb[1]
    result = run("cancel", gone["id"], str(DATA / "tiny.yaml"), "--out", str(out),
                 "--as-of", "2026-01-01", "--time-limit", "5")  # fmt: skip
    assert result.exit_code == 0, result.output + result.stderr
    assert f"inställt {gone['id']}" in result.output
    left = [row for row in meetings_in(out) if row["group"] == "AGB"]
    assert len(left) == len(agb) - 1
    assert gone["id"] not in {row["id"] for row in left}
    feed = (out / "grupper" / "agb.ics").read_text(encoding="utf-8")
    cancelled = feed.split(f"UID:{gone['uid']}")[0].rsplit("BEGIN:VEVENT", 1)[1]
    assert "SUMMARY:INSTÄLLT: AGB – Arbetsgrupp B" in cancelled
    assert "STATUS:CANCELLED" in feed
    # The state beside plan.csv tells `cadence check` that AGB meets once less this year.
    checked = run("check", str(DATA / "tiny.yaml"), "--plan", str(out / "plan.csv"))
    assert checked.exit_code == 0, checked.output


@pytest.mark.parametrize(
    "command, message",
    [
        (("cancel", "BG-2026-03"), "BG-2026-03 on 2026-04-16 is fixed in the scenario"),
        (("move", "BG-2026-03", "2026-04-15"), "BG-2026-03 on 2026-04-16 is fixed in the scenario"),
        (
            ("move", "AGA-2026-01", "2026-05-05", "--as-of", "2026-03-01"),
            "AGA-2026-01 was on 2026-02-10, before 2026-03-01: it is held",
        ),
        (
            ("cancel", "AGA-2026-01", "--as-of", "2026-03-01"),
            "AGA-2026-01 was on 2026-02-10, before 2026-03-01: it is held",
        ),
        (
            ("move", "AGA-2026-03", "2026-02-24", "--as-of", "2026-03-01"),
            "2026-02-24 is before 2026-03-01: no meeting can be put in the past",
        ),
        (
            ("add", "AGB", "2026-02-24", "--as-of", "2026-03-01"),
            "2026-02-24 is before 2026-03-01: no meeting can be put in the past",
        ),
        (("cancel", "AGB-2026-09"), "no planned meeting 'AGB-2026-09' in the published plan"),
        (("add", "XYZ", "2026-05-05"), "no group 'XYZ' in the scenario"),
    ],
)
def test_refused_changes_exit_2_and_change_nothing(tiny_folder: Path, command, message):
    """A fixed meeting, a held meeting, a day in the past, an unknown meeting or group: the
    reason on stderr, exit 2, not one byte of the folder changed."""
    before = files_in(tiny_folder)
    held = {row["id"]: row["start"][:10] for row in meetings_in(tiny_folder)}
    assert held["AGA-2026-01"] == "2026-02-10" and held["BG-2026-03"] == "2026-04-16"
    args = [*command, str(DATA / "tiny.yaml"), "--out", str(tiny_folder), "--time-limit", "5"]
    if "--as-of" not in command:
        args += ["--as-of", "2026-01-01"]
    result = run(*args)
    assert result.exit_code == 2, result.output + result.stderr
    assert message in result.stderr
    assert files_in(tiny_folder) == before
