"""Several counties in one `cadence plan`: each into its own folder, as if planned alone, with
a summary; one county's failure stops none of the others."""

from click.testing import CliRunner
from conftest import DATA

from cadence import batch
from cadence.cli import main


def test_several_counties_each_alone_with_a_summary(tmp_path):
    """tiny.yaml is planned, bad-syntax.yaml is refused (exit 2) and clash-too-many.yaml has
    no plan (exit 1); the run goes on past both, writes tiny's folder as a lone run would,
    and exits with the worst code, 2."""
    scenarios = [DATA / "bad-syntax.yaml", DATA / "tiny.yaml", DATA / "clash-too-many.yaml"]
    out = tmp_path / "out"
    args = ["--out", str(out), "--time-limit", "2", "--as-of", "2026-01-01"]
    done = CliRunner().invoke(main, ["plan", *map(str, scenarios), *args])
    assert done.exit_code == 2, done.output
    table = done.output[done.output.index("scenario  ") :].splitlines()
    assert table[1].split()[:2] == ["bad-syntax.yaml", "bad"]
    assert table[1].split("  ")[-1].strip().startswith("bad-syntax.yaml:6: YAML syntax")
    assert table[2].split()[:2] == ["tiny.yaml", "optimal"]
    assert table[3].split()[:3] == ["clash-too-many.yaml", "no", "plan"]
    assert "clash-too-many.yaml:17 groups[0].meetings.years[0]: NAT needs 6" in table[3]
    assert not (out / "bad-syntax").exists() and not (out / "clash-too-many").exists()
    alone = tmp_path / "alone"
    lone = CliRunner().invoke(main, ["plan", str(DATA / "tiny.yaml"), "--out", str(alone),
                                     "--time-limit", "2", "--as-of", "2026-01-01"])  # fmt: skip
    assert lone.exit_code == 0, lone.output
    for name in ("plan.csv", "plan.json", "alla.ics"):
        assert (out / "tiny" / name).read_bytes() == (alone / name).read_bytes()


def test_exit_code_is_the_worst():
    """All planned: 0; a county with no plan: 1; a bad input anywhere: 2."""

    def county(code):
        return batch.County(DATA / "x.yaml", DATA, code, 0.0, "", "")

    assert batch.exit_code([county(0), county(0)]) == 0
    assert batch.exit_code([county(0), county(1)]) == 1
    assert batch.exit_code([county(1), county(2), county(0)]) == 2


def test_two_scenarios_with_one_name_are_refused(tmp_path):
    """Two files called tiny.yaml would write one folder: exit 2 before anything runs."""
    other = tmp_path / "tiny.yaml"
    other.write_bytes((DATA / "tiny.yaml").read_bytes())
    done = CliRunner().invoke(main, ["plan", str(DATA / "tiny.yaml"), str(other),
                                     "--out", str(tmp_path / "out")])  # fmt: skip
    assert done.exit_code == 2
    assert "would both write" in done.output
    assert not (tmp_path / "out").exists()
