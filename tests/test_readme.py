"""The README's command examples run as shown, in order, on the default scenario's output folder,
at the default budget."""

import re
import shlex
import subprocess
from datetime import date

from click.testing import CliRunner

import cadence.cli
from cadence.cli import main
from tests.conftest import ROOT

TODAY = date(2026, 2, 2)
"""The day the examples are run: during the period, so the README's dates lie ahead."""


class _Today(date):
    @classmethod
    def today(cls) -> date:
        return TODAY


def readme_examples() -> list[str]:
    """Lines of the README's sh blocks that hold a cadence command, with the shell lines
    around them (making the backup the diff compares with)."""
    lines = []
    for block in re.findall(r"```sh\n(.*?)```", (ROOT / "README.md").read_text(), re.S):
        block_lines = [line.strip() for line in block.splitlines() if line.strip()]
        if any(line.startswith("cadence ") for line in block_lines):
            lines.extend(block_lines)
    return lines


def test_readme_has_the_examples():
    """The examples this test runs are the ones the README shows."""
    commands = [line for line in readme_examples() if line.startswith("cadence ")]
    assert [shlex.split(c)[1] for c in commands] == ["plan", "move", "cancel", "add", "diff"]


def test_every_readme_command_succeeds(tmp_path, monkeypatch):
    """Each example exits 0 on the folder the one before it left (the first, cadence plan
    --base-url, writes the default output folder)."""
    (tmp_path / "scenarios").symlink_to(ROOT / "scenarios")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(cadence.cli, "date", _Today)
    runner = CliRunner()
    for line in readme_examples():
        if not line.startswith("cadence "):
            subprocess.run(["bash", "-c", line], cwd=tmp_path, check=True)
            continue
        args = shlex.split(line)[1:]  # at the default budget, as the README shows them
        result = runner.invoke(main, args)
        assert result.exit_code == 0, (line, result.output)
    folder = tmp_path / "exports" / "sormland-2026"
    assert "webcal://intranat.example.se/kalender/alla.ics" in (folder / "index.html").read_text()
    assert "flyttat" in (folder / "andringar.md").read_text()
