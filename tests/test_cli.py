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
