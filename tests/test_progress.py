"""The progress display: one updating line on a terminal, plain lines elsewhere; the CLI's
--base-url and the scenario's publish key."""

import io
from pathlib import Path

from click.testing import CliRunner

from cadence import loader
from cadence.cli import main
from cadence.progress import Progress, describe, gap
from tests.conftest import DATA


def test_gap_and_wording():
    """Best plan, bound and gap as a reader wants them; proven optimal when they meet."""
    assert gap(439, 431) == (439 - 431) / 439
    assert describe(439, 431) == "best plan 439, bound 431, gap 1.8%"
    assert describe(50, 50) == "best plan 50, proven optimal"
    assert describe(50, float("inf")) == "best plan 50"


def test_plain_lines_when_not_a_terminal():
    """In a log: one line per phase, better plans at most every few seconds, the last kept."""
    out = io.StringIO()
    with Progress(out, live=False) as progress:
        progress.phase("solving", "building the model")
        for objective in (500, 480, 460):
            progress(1.0, objective, 431)
        progress.phase("writing", "exports/x")
    lines = out.getvalue().splitlines()
    assert "\r" not in out.getvalue()
    assert [line.split("] ", 1)[1] for line in lines] == [
        "solving: building the model",
        "solving: best plan 500, bound 431, gap 13.8%",
        "solving: best plan 460, bound 431, gap 6.3%",
        "writing: exports/x",
    ]
    assert all(line.startswith("[0:00] ") for line in lines)


def test_one_updating_line_on_a_terminal():
    """On a terminal the line is redrawn in place and left empty at the end."""
    out = io.StringIO()
    with Progress(out, live=True) as progress:
        progress.phase("solving")
        progress(2.0, 439, 431)
    text = out.getvalue()
    assert "\n" not in text
    assert "\r[0:00] solving – best plan 439, bound 431, gap 1.8%" in text
    assert text.endswith("\r")


def test_publish_key_is_checked_with_its_line(tmp_path: Path):
    """publish.base_url must be a web address; the error names file, line and key."""
    text = (DATA / "tiny.yaml").read_text(encoding="utf-8") + "publish: {base_url: kalender}\n"
    path = tmp_path / "x.yaml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2
    assert "publish.base_url: 'kalender' is not a web address" in result.output
    good = text.replace("kalender}", "https://example.org/kalender/}")
    path.write_text(good, encoding="utf-8")
    assert loader.load(path).scenario.publish.base == "https://example.org/kalender"


def test_bad_base_url_exits_2_and_writes_nothing(tmp_path: Path):
    """--base-url is checked like the scenario key, before anything is solved or written."""
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["plan", str(DATA / "tiny.yaml"), "--out", str(out), "--base-url", "example.org"]
    )
    assert result.exit_code == 2 and "--base-url" in result.output
    assert not out.exists()


def test_folder_remembers_its_address(tmp_path: Path):
    """A run after cadence plan --base-url, without the option, keeps the full addresses."""
    out = tmp_path / "out"
    runner = CliRunner()
    args = ["plan", str(DATA / "tiny.yaml"), "--out", str(out), "--time-limit", "5"]
    first = runner.invoke(main, [*args, "--base-url", "https://example.org/kalender"])
    assert first.exit_code == 0, first.output
    again = runner.invoke(main, [*args, "--as-of", "2026-01-01"])
    assert again.exit_code == 0, again.output
    assert "webcal://example.org/kalender/alla.ics" in (out / "index.html").read_text()
    assert (out / ".cadence-base-url").read_text() == "https://example.org/kalender\n"


def test_help_shows_date_as_required_with_an_example():
    """move and add show DATE (not an optional-looking [%Y-%m-%d]) and a command that works."""
    for command, example in (
        ("move", "cadence move NSV-2026-04 2026-10-29"),
        ("add", "cadence add BGÄ 2026-11-26"),
    ):
        result = CliRunner().invoke(main, [command, "--help"])
        assert result.exit_code == 0
        assert " DATE [SCENARIO]" in result.output and "%Y" not in result.output
        assert example in result.output
