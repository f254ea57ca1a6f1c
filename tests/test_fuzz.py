"""Fuzzing the inputs: real scenarios, busy .ics files and plan.json, mutated.

Every case must end with exit 0, 1 or 2, never a traceback, within a time limit, and every
exit-2 message about a scenario must say its file and line. Hypothesis is derandomized, so the
same cases run every time (a few hundred in all, about a minute).
"""

from __future__ import annotations

import contextlib
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cadence.cli import main
from tests.conftest import DATA, ROOT, SCENARIOS

SOURCES = {
    p.name: p.read_text(encoding="utf-8") for p in (*SCENARIOS, *sorted(DATA.glob("*.yaml")))
}
BUSY = (DATA / "busy-nvk.ics").read_text(encoding="utf-8")
SECONDS = 20
"""Per case: a hang fails the case instead of the suite."""

FUZZ = settings(
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# -- what the mutations put in -----------------------------------------------------------------

NUMBERS = ["0", "-1", "-999999999", "10000000", "1e308", "1e400", ".inf", "-.inf", ".nan", "9" * 40]
DATES = [
    "0001-01-01",
    "9999-12-31",
    "2026-02-30",
    "2026-13-01",
    "1899-12-31",
    "2300-01-01",
    "2026-01-01T25:00:00",
    "2026-01-01 10:00:00+99:00",
    "2026-01-01 10:00:00",
]
TIMES = ['"25:00"', '"09:00:00"', '"9:00"', '"23:59"', '"-1:00"', "09:00"]
TYPES = [
    "[1, 2]",
    "{a: 1}",
    "null",
    "true",
    "~",
    "''",
    "!!binary aGVsbG8=",
    "!!set {a, b}",
    "!!omap [a: 1]",
    "!!python/object:os.system x",
    "!tag value",
    "*nowhere",
    "&anchor value",
    "2026-01-01 10:00:00",
    "{? [a, b]: c}",
    "'..'",
    "東京",
    "AGA",
    "aga",
    "x" * 300,
]
CONTROL = ["\x00", "\x1b", "\x07", "\x7f", "\ufeff", "\u2028", "\ud800", "\x85"]


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def alias_bomb(levels: int) -> str:
    parts = ["{a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, levels):
        parts.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    return ", ".join(parts) + "}"


VALUES = st.one_of(
    st.sampled_from(NUMBERS),
    st.sampled_from(DATES),
    st.sampled_from(TIMES),
    st.sampled_from(TYPES),
    st.builds(nested, st.sampled_from([3, 20, 200, 1500])),
    st.builds(alias_bomb, st.integers(2, 9)),
    st.integers(-(10**30), 10**30).map(str),
    st.text(max_size=30).map(lambda t: '"' + t.replace("\\", "\\\\").replace('"', '\\"') + '"'),
    st.text(max_size=20),
)

_VALUE = re.compile(r"(\b[a-z_]+:[ \t]*)([^,{}\[\]\n#]+)")


@st.composite
def mutated(draw: st.DrawFn, text: str) -> str | bytes:
    """One to three mutations of a YAML or iCalendar ``text``: a value replaced, a line deleted,
    duplicated or indented wrong, control characters, truncation, random bytes."""
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(
            st.sampled_from(
                [
                    "value",
                    "value",
                    "value",
                    "delete",
                    "duplicate",
                    "indent",
                    "control",
                    "truncate",
                    "bytes",
                ]
            )
        )
        lines = text.splitlines(keepends=True)
        if not lines:
            break
        at = draw(st.integers(0, len(lines) - 1))
        if kind == "value":
            matches = list(_VALUE.finditer(text))
            if matches:
                m = draw(st.sampled_from(matches))
                text = text[: m.start(2)] + draw(VALUES) + text[m.end(2) :]
        elif kind == "delete":
            del lines[at]
            text = "".join(lines)
        elif kind == "duplicate":
            lines.insert(at, lines[at])
            text = "".join(lines)
        elif kind == "indent":
            lines[at] = draw(st.sampled_from([" ", "\t", "   - "])) + lines[at]
            text = "".join(lines)
        elif kind == "control":
            where = draw(st.integers(0, len(text)))
            text = text[:where] + draw(st.sampled_from(CONTROL)) + text[where:]
        elif kind == "truncate":
            text = text[: draw(st.integers(0, len(text)))]
        else:
            data = text.encode("utf-8", "surrogatepass")
            where = draw(st.integers(0, len(data)))
            junk = draw(st.binary(min_size=1, max_size=16))
            return data[:where] + junk + data[where + len(junk) :]
    return text


def write(path: Path, content: str | bytes) -> None:
    if isinstance(content, str):
        content = content.encode("utf-8", "surrogatepass")
    path.write_bytes(content)


@contextlib.contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    """Fail a case that runs longer than ``seconds`` (SIGALRM: the main thread, on POSIX)."""

    def expire(signum: int, frame: object) -> None:
        raise TimeoutError(f"case ran longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def invoke(*args: str):
    """Run the command in-process; a traceback or a hang fails the case."""
    with time_limit(SECONDS), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = CliRunner().invoke(main, list(args), catch_exceptions=True)
    # A library's warning prints its source lines into the terminal, like a traceback.
    shown = [w for w in caught if not issubclass(w.category, DeprecationWarning)]
    assert not shown, [str(w.message)[:200] for w in shown]
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"traceback for {args}") from result.exception
    assert result.exit_code in (0, 1, 2), result.output
    return result


def located(result, path: Path) -> None:
    """Every error about the scenario file says its line."""
    if result.exit_code != 2:
        return
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert errors, result.stderr
    for line in errors:
        if line.startswith(f"error: {path}"):
            assert re.match(rf"error: {re.escape(str(path))}:\d+", line), line
        else:
            assert "error: " in line  # another file (an --out folder): named in the message


# -- scenario files ----------------------------------------------------------------------------


@settings(FUZZ, max_examples=200)
@given(data=st.data(), name=st.sampled_from(sorted(SOURCES)))
def test_mutated_scenario_validates_without_traceback(data: st.DataObject, name: str):
    """A mutated scenario is valid (0) or refused with located messages (2), never a traceback."""
    content = data.draw(mutated(SOURCES[name]), label="scenario")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        write(path, content)
        shutil.copy(DATA / "busy-nvk.ics", Path(folder) / "busy-nvk.ics")
        located(invoke("validate", str(path)), path)


# -- busy .ics files ---------------------------------------------------------------------------

ICS_LINES = [
    "DTSTART:99991231T000000Z",
    "DTSTART:00010101T000000",
    "DTSTART;TZID=" + "E" * 300 + ":20260310T130000",
    "DTSTART;TZID=Mars/Olympus:20260310T130000",
    "DTSTART;VALUE=DATE:20260230",
    "DTEND:20250101T000000Z",
    "RRULE:FREQ=SECONDLY",
    "RRULE:FREQ=MINUTELY;INTERVAL=1",
    "RRULE:FREQ=HOURLY",
    "RRULE:FREQ=DAILY;BYHOUR=0,1,2,3,4,5,6,7,8,9,10,11;BYMINUTE=0,15,30,45",
    "DTSTART:18000101T080000",
    "RRULE:FREQ=DAILY;COUNT=999999999",
    "RRULE:FREQ=YEARLY;BYMONTHDAY=31;BYMONTH=2",
    "RRULE:NONSENSE",
    "EXDATE:garbage",
    "DURATION:P99999999D",
    "DURATION:-PT1H",
    "BEGIN:VEVENT",
    "END:VCALENDAR",
    "BEGIN:VTIMEZONE",
    "X-MICROSOFT-CDO-BUSYSTATUS:FREE",
    "TRANSP:" + "x" * 1000,
    "STATUS:CANCELLED",
]


@st.composite
def busy_file(draw: st.DrawFn) -> str | bytes:
    lines = BUSY.splitlines()
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(lines)))
        lines.insert(at, draw(st.sampled_from(ICS_LINES)))
    if draw(st.booleans()):
        depth = draw(st.sampled_from([10, 2000]))
        lines[1:1] = ["BEGIN:VEVENT"] * depth + ["END:VEVENT"] * depth
    return draw(mutated("\r\n".join(lines) + "\r\n"))


@settings(FUZZ, max_examples=60)
@given(content=busy_file())
def test_mutated_busy_ics_is_read_or_refused(content: str | bytes):
    """A damaged busy .ics is read or refused at the scenario's busy_ics line, never a traceback."""
    tiny = (DATA / "tiny.yaml").read_text(encoding="utf-8")
    text = tiny.replace("  - {id: chef,", "  - {id: chef, busy_ics: busy.ics,")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "tiny.yaml"
        write(path, text)
        write(Path(folder) / "busy.ics", content)
        result = invoke("validate", str(path))
        located(result, path)
        assert result.exit_code in (0, 2)


# -- plan.json ---------------------------------------------------------------------------------

JSON_VALUES = st.sampled_from(
    [
        '"x"',
        "null",
        "[]",
        "{}",
        "-1",
        "1e999",
        "99999999999999999999999",
        '"9999-12-31T00:00:00"',
        '"0001-01-01T00:00:00+00:00"',
        '"2026-02-30T09:00:00+01:00"',
        '"\\u0000"',
        "true",
        nested(5),
        nested(3000),
        '"' + "A" * 500 + '"',
    ]
)
_JSON_VALUE = re.compile(r'(": )("[^"\n]*"|-?\d[\d.eE+-]*|null|true|false)')


@st.composite
def state_file(draw: st.DrawFn, text: str) -> str | bytes:
    for _ in range(draw(st.integers(1, 3))):
        matches = list(_JSON_VALUE.finditer(text))
        if draw(st.booleans()) and matches:
            m = draw(st.sampled_from(matches))
            text = text[: m.start(2)] + draw(JSON_VALUES) + text[m.end(2) :]
        else:
            return draw(mutated(text))
    return text


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    """The tiny scenario planned and published with its state (plan.json)."""
    folder = tmp_path_factory.mktemp("published") / "out"
    args = ["plan", str(DATA / "tiny.yaml"), "--out", str(folder), "--time-limit", "5"]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return folder


@settings(FUZZ, max_examples=60)
@given(data=st.data())
def test_mutated_plan_json_is_refused_without_traceback(published: Path, data: st.DataObject):
    """A damaged plan.json beside a plan.csv: `cadence check` answers 0, 1 or 2, no traceback."""
    state = data.draw(state_file((published / "plan.json").read_text(encoding="utf-8")))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "out"
        shutil.copytree(published, folder)
        write(folder / "plan.json", state)
        result = invoke("check", str(DATA / "tiny.yaml"), "--plan", str(folder / "plan.csv"))
        if result.exit_code == 2:
            assert "plan.json" in result.stderr, result.stderr


# -- a few cases as real processes ---------------------------------------------------------------

PROCESS_CASES = {
    "escape": SOURCES["tiny.yaml"].replace("Liten", "Liten\x1b"),
    "nul": SOURCES["tiny.yaml"].replace("Liten", "Liten\x00"),
    "deep": SOURCES["tiny.yaml"] + "description: " + nested(5000) + "\n",
    "period": SOURCES["tiny.yaml"].replace("2026-06-30}", "2226-06-30}"),
    "binary": SOURCES["sormland-2026.yaml"].encode()[:5000] + bytes(range(256)),
    "bomb": SOURCES["tiny.yaml"] + "description: " + alias_bomb(9) + "\n",
}


@pytest.mark.parametrize("case", sorted(PROCESS_CASES))
def test_refused_in_a_real_process(tmp_path: Path, case: str):
    """`cadence validate` as a process: exit 2, a located message, no traceback, in seconds."""
    path = tmp_path / "case.yaml"
    write(path, PROCESS_CASES[case])
    done = subprocess.run(
        [sys.executable, "-m", "cadence", "validate", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert re.search(rf"^error: {re.escape(str(path))}:\d+", done.stderr, re.M), done.stderr
