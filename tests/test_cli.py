"""The command line: exit codes, messages on stderr, never a traceback, nothing written."""

from pathlib import Path

from click.testing import CliRunner

from cadence.cli import main
from tests.conftest import DATA, ROOT


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_validate_ok():
    result = run("validate", str(DATA / "small.yaml"))
    assert result.exit_code == 0
    assert "valid" in result.output


def test_validate_bad_exits_2_with_lines():
    result = run("validate", str(DATA / "bad-reference.yaml"))
    assert result.exit_code == 2
    assert "bad-reference.yaml:15 groups[0].feeds[0].to: unknown group 'BGX'" in result.stderr
    assert "Traceback" not in result.output + result.stderr


def test_validate_warnings_exit_0():
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
    result = run("calendar", str(DATA / "small.yaml"), "--csv")
    lines = result.output.splitlines()
    assert lines[0] == "datum,veckodag,vecka,typ,namn,vikt"
    assert '2026-02-16,måndag,8,undvik,"Sportlov",3' in lines


def test_calendar_bad_scenario_exits_2():
    assert run("calendar", str(DATA / "bad-cycle.yaml")).exit_code == 2


def test_schema_is_json():
    import json

    schema = json.loads(run("schema").output)
    assert schema["title"] == "cadence scenario"
    assert "groups" in schema["required"]


def test_plan_then_check(tmp_path: Path):
    """`cadence plan` writes plan.csv that `cadence check` accepts; exit 0 both times."""
    out = tmp_path / "out"
    result = run("plan", str(DATA / "tiny.yaml"), "--out", str(out), "--time-limit", "5")
    assert result.exit_code == 0, result.output + result.stderr
    # Progress lines come first (stderr, mixed in by the runner), then the summary.
    summary = [line for line in result.output.splitlines() if not line.startswith("[")]
    assert summary[0].startswith("optimal: objective ")
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
    bad = tmp_path / "plan.csv"
    bad.write_text("id,group,start,end\nX,AGA,igår,imorgon\n", encoding="utf-8")
    result = run("check", str(DATA / "tiny.yaml"), "--plan", str(bad))
    assert result.exit_code == 2
    assert "plan.csv:2 start/end" in result.stderr
    assert (
        run("check", str(DATA / "tiny.yaml"), "--plan", str(tmp_path / "none.csv")).exit_code == 2
    )


def test_plan_certainly_impossible_exits_1_and_writes_nothing(tmp_path: Path):
    """Rules that certainly cannot hold (a member away for the whole period) are refused before
    any solve: exit 1 (the rules cannot all hold; the file itself is fine), the reason in words
    with its line, and no output folder. (From the solver: tests/test_clash.py.)"""
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
    assert (
        "away.yaml:38 groups[1].meetings.years[0]: AGA needs 3 meetings in 2026 but none fit"
        in result.stderr
    )
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


def test_same_clash_message_in_separate_processes(tmp_path: Path):
    """The rules that clash and the changes proposed, in two processes with different string
    hashing: the same words in the same order (the progress lines, which carry the clock, left
    aside)."""
    import os
    import subprocess
    import sys

    said = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        command = [sys.executable, "-m", "cadence", "plan",
                   str(DATA / "clash-chair-two-groups.yaml"), "--out", str(tmp_path / seed),
                   "--time-limit", "3"]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
        assert done.returncode == 1, done.stderr
        said.append([line for line in done.stderr.splitlines() if not line.startswith("[")])
    assert said[0] == said[1]
    assert any("clash" in line for line in said[0])
