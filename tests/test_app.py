"""The workbench's JSON API and its guards, with Starlette's test client on the tiny scenario."""

from __future__ import annotations

import hashlib
import shutil
from datetime import date
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from cadence import solver
from cadence.app import Config, create_app
from cadence.history import FOLDER as HISTORY
from cadence.session import Workspace

DATA = Path(__file__).parent / "data"
BASE = "http://127.0.0.1:8765"
CSRF = "test-csrf-token"


def snapshot(folder: Path) -> dict[str, str]:
    """Every file of the folder (its history aside) → SHA-256 of its bytes."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.relative_to(folder).parts[0].startswith((HISTORY, ".cadence-lock"))
    }


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    """tiny.yaml planned once into a folder by the app's own first plan (version 1)."""
    root = tmp_path_factory.mktemp("app-tiny")
    shutil.copy(DATA / "tiny.yaml", root / "tiny.yaml")
    workspace = Workspace(root / "tiny.yaml", root / "out", date(2026, 1, 1),
                          solver.Settings(time_limit=5))  # fmt: skip
    workspace.plan_first(when="2026-01-01T08:00:00+00:00")
    return root


@pytest.fixture
def setup(published, tmp_path):
    """A fresh copy of the published folder and scenario, and a client of an app over it."""
    shutil.copytree(published, tmp_path / "w")
    workspace = Workspace(tmp_path / "w" / "tiny.yaml", tmp_path / "w" / "out", date(2026, 1, 1),
                          solver.Settings(time_limit=5))  # fmt: skip
    config = Config(workspace, csrf=CSRF, clock=lambda: "2026-01-02T09:00:00+00:00")
    client = TestClient(create_app(config), base_url=BASE)
    return client, workspace


def post(client, url, body, **headers):
    return client.post(url, json=body, headers={"X-CSRF-Token": CSRF, **headers})


def test_plan_lists_meetings_in_chain_order(setup):
    """GET /api/plan: version 1, the nine meetings with kallelse, chair and what they prepare."""
    client, _ = setup
    data = client.get("/api/plan").json()
    assert data["version"] == 1
    assert [g["id"] for g in data["groups"]] == ["AGA", "AGB", "BG"]
    assert len(data["meetings"]) == 9
    first = data["meetings"][0]
    assert first["id"] == "AGA-2026-01"
    assert first["start"] == "2026-01-27T09:00:00+01:00"
    assert first["notice"] == "2026-01-20"
    assert first["chair"] == "Ordförande A"
    assert first["prepares"] == ["BG-2026-01"]
    off = next(m for m in data["meetings"] if m["id"] == "AGA-2026-02")
    assert off["note"].startswith("Annan veckodag än vanligt")


def test_page_carries_the_csrf_token_and_the_grid(setup):
    """GET / is the workbench in Swedish with the CSRF meta tag and a chip per meeting."""
    client, _ = setup
    page = client.get("/")
    assert page.status_code == 200
    assert f'<meta name="csrf-token" content="{CSRF}">' in page.text
    assert page.text.count('class="meeting ') == 9
    assert '<html lang="sv">' in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]


def test_state_change_without_csrf_is_403_and_changes_nothing(setup):
    """No X-CSRF-Token, a wrong one, or another site's Origin: 403, the folder as it was."""
    client, workspace = setup
    before = snapshot(workspace.folder)
    body = {"kind": "cancel", "meeting": "AGB-2026-02", "version": 1, "option": 1}
    assert client.post("/api/changes/apply", json=body).status_code == 403
    assert (
        post(client, "/api/changes/apply", body | {}, **{"X-CSRF-Token": "wrong"}).status_code
        == 403
    )
    assert (
        post(client, "/api/undo", {"version": 1}, Origin="http://evil.example").status_code == 403
    )
    assert snapshot(workspace.folder) == before


def test_a_foreign_host_name_is_refused(setup):
    """Bound to loopback, a request naming another host (DNS rebinding) gets 421."""
    client, _ = setup
    assert client.get("/api/plan", headers={"Host": "evil.example"}).status_code == 421


def test_beyond_loopback_every_request_needs_the_token(published, tmp_path):
    """Bound elsewhere: 401 without the token; the printed ?token= sets a cookie; Bearer works."""
    shutil.copytree(published, tmp_path / "w")
    workspace = Workspace(tmp_path / "w" / "tiny.yaml", tmp_path / "w" / "out", date(2026, 1, 1))
    config = Config(workspace, host="0.0.0.0", token="s3cret", csrf=CSRF)
    client = TestClient(create_app(config), base_url="http://192.0.2.10:8765")
    assert client.get("/api/plan").status_code == 401
    assert client.get("/files/alla.ics").status_code == 401
    assert client.get("/api/plan", headers={"Authorization": "Bearer s3cret"}).status_code == 200
    first = client.get("/?token=s3cret", follow_redirects=False)
    assert first.status_code == 303 and "token" not in first.headers["location"]
    assert client.get("/api/plan").status_code == 200  # the cookie now


def test_a_body_over_the_cap_is_413(setup):
    """A request body larger than 64 KiB is refused before it is read."""
    client, _ = setup
    big = {"kind": "add", "group": "BG", "date": "2026-05-05", "version": 1, "pad": "x" * 70_000}
    assert post(client, "/api/changes", big).status_code == 413


def test_changes_answers_options_and_never_writes(setup):
    """POST /api/changes: the options (the move itself, nothing else) and no file touched."""
    client, workspace = setup
    before = snapshot(workspace.folder)
    answer = post(client, "/api/changes", {"kind": "move", "meeting": "AGB-2026-02",
                                           "date": "2026-03-24", "version": 1})  # fmt: skip
    assert answer.status_code == 200, answer.text
    data = answer.json()
    assert data["status"] == "choose" and data["version"] == 1
    option = data["options"][0]
    assert option["moves"] == [{"meeting": "AGB-2026-02", "group": "AGB",
                                "from": "2026-03-18T09:00:00+01:00",
                                "to": "2026-03-24T09:00:00+01:00", "asked": True}]  # fmt: skip
    assert option["shift_days"] == 0 and option["bends"] == []
    assert "Närvårdskoordinator" in option["notify"]
    assert snapshot(workspace.folder) == before


def test_a_change_that_costs_more_offers_a_bent_rule(setup):
    """AGB-2026-02 to 15 April: keeping every rule moves three others; one option bends the lead
    to 56 days (at most 42, a third more) and moves two. Nothing else moving would need AGB's
    January meeting 78 days ahead of BG's April one: more than a third, never offered."""
    client, _ = setup
    data = post(client, "/api/changes", {"kind": "move", "meeting": "AGB-2026-02",
                                         "date": "2026-04-15", "version": 1}).json()  # fmt: skip
    assert data["status"] == "choose" and data["answer"] == "choose"
    assert [o["other_moves"] for o in data["options"]] == [3, 2]
    assert data["options"][1]["bends"][0]["line"] == "tiny.yaml:54"
    assert data["options"][1]["bends"][0]["amount"] == 56


def test_apply_then_stale_version_is_409(setup):
    """Apply makes version 2; the same request against version 1 is 409 and changes nothing."""
    client, workspace = setup
    body = {"kind": "move", "meeting": "AGB-2026-02", "date": "2026-03-24", "version": 1}
    done = post(client, "/api/changes/apply", body | {"option": 1})
    assert done.json() == {"status": "applied", "version": 2}
    moved = next(m for m in client.get("/api/plan").json()["meetings"] if m["id"] == "AGB-2026-02")
    assert moved["date"] == "2026-03-24"
    after = snapshot(workspace.folder)
    again = post(client, "/api/changes/apply", body | {"option": 1})
    assert again.status_code == 409
    assert post(client, "/api/changes", body).status_code == 409
    assert snapshot(workspace.folder) == after


def test_undo_restores_every_byte(setup):
    """Apply a cancellation, undo: every file, feeds included, and the scenario as before."""
    client, workspace = setup
    before = snapshot(workspace.folder)
    scenario = workspace.scenario.read_bytes()
    body = {"kind": "cancel", "meeting": "AGB-2026-02", "version": 1}
    options = post(client, "/api/changes", body).json()["options"]
    applied = post(client, "/api/changes/apply", body | {"option": options[0]["id"]}).json()
    assert applied["version"] == 2
    assert snapshot(workspace.folder) != before
    assert post(client, "/api/undo", {"version": 1}).status_code == 409  # not the current one
    assert post(client, "/api/undo", {"version": 2}).json() == {"status": "undone", "version": 1}
    assert snapshot(workspace.folder) == before
    assert workspace.scenario.read_bytes() == scenario
    history = client.get("/api/history").json()["versions"]
    assert [v["id"] for v in history] == [1]


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"kind": "move", "meeting": "XX-2026-01", "date": "2026-03-24"}, "no planned meeting"),
        ({"kind": "move", "meeting": "AGB-2026-02", "date": "2025-12-01"}, "before 2026-01-01"),
        ({"kind": "move", "meeting": "AGB-2026-02", "date": "24/3/2026"}, "is not a date"),
        ({"kind": "add", "group": "NOPE", "date": "2026-03-24"}, "no group 'NOPE'"),
        ({"kind": "swap", "meeting": "AGB-2026-02"}, "'kind' must be"),
    ],
)
def test_bad_requests_are_422_in_words(setup, body, words):
    """Input checked as the CLI checks it: 422 with the library's message, nothing written."""
    client, _ = setup
    answer = post(client, "/api/changes", body | {"version": 1})
    assert answer.status_code == 422
    assert words in answer.json()["message"]


def test_explain_gives_rules_with_scenario_lines(setup):
    """GET /api/meetings/{id}/explain: the chain rule with its line, other days with costs."""
    client, _ = setup
    data = client.get("/api/meetings/AGB-2026-02/explain").json()
    chain = next(r for r in data["rules"] if r["kind"] == "chain")
    assert chain["where"] == "tiny.yaml:54"
    assert chain["text"].startswith(
        "bereder BG-2026-02 (torsdag 2026-04-16, 29 dagar senare): AGB ska mötas 8–42 dagar före "
        "det och senast "
    )
    assert any(a["cost"] is not None for a in data["alternatives"])
    # The page shows these words as they are: Swedish, no English left in the library's own.
    assert data["history"][0] == (
        "ingen omplanering sedan planen först publicerades (ingen ändringsrapport i mappen)"
    )
    words = (
        [r["text"] for r in data["rules"]]
        + data["history"]
        + [a[key] for a in data["alternatives"] for key in ("why", "verdict_text", "note")]
    )
    for marker in ("days before", "meets on", "chaired by", "prepared by", "kallelse goes",
                   "usually", "undecided", "possible", "week earlier", "re-plan"):  # fmt: skip
        assert not [w for w in words if marker in w], marker
    quick = client.get("/api/meetings/AGB-2026-02/explain?days=0").json()
    assert quick["rules"] == data["rules"] and quick["alternatives"] == [] and not quick["days"]
    assert client.get("/api/meetings/NOPE/explain").status_code == 422


def test_absence_form_writes_the_scenario_and_undo_restores_it(setup):
    """An absence: the scenario gets one line (comments kept), the plan a version; undo restores."""
    client, workspace = setup
    original = workspace.scenario.read_text(encoding="utf-8")
    body = {"kind": "absence", "person": "nvk", "start": "2026-03-16", "end": "2026-03-20",
            "reason": "Semester", "version": 1}  # fmt: skip
    data = post(client, "/api/edits", body).json()
    assert data["status"] == "choose", data
    moved = {m["meeting"] for m in data["options"][0]["moves"]}
    assert moved == {"AGA-2026-02", "AGB-2026-02"}  # both met that week with the nvk
    assert workspace.scenario.read_text(encoding="utf-8") == original  # a preview writes nothing
    assert post(client, "/api/edits/apply", body | {"option": 1}).json()["version"] == 2
    text = workspace.scenario.read_text(encoding="utf-8")
    added = [line for line in text.splitlines() if line not in original.splitlines()]
    assert added == ["      - {start: 2026-03-16, end: 2026-03-20, reason: Semester}"]
    assert text.startswith("# Half a year, two arbetsgrupper")
    post(client, "/api/undo", {"version": 2})
    assert workspace.scenario.read_text(encoding="utf-8") == original


def test_a_form_that_breaks_the_file_gets_the_loaders_located_message(setup):
    """A fixed date outside the period: 422 with file, line and key, as cadence validate says."""
    client, _ = setup
    body = {"kind": "fixed", "group": "BG", "date": "2027-03-04", "version": 1}
    answer = post(client, "/api/edits", body)
    assert answer.status_code == 422
    problems = answer.json()["problems"]
    assert any("tiny.yaml:35 groups[0].fixed[1].date: 2027-03-04 is outside" in p for p in problems)


def test_files_serves_feeds_but_nothing_hidden(setup):
    """/files/alla.ics is a calendar; the history and paths out of the folder are not served."""
    client, _ = setup
    feed = client.get("/files/alla.ics")
    assert feed.headers["content-type"] == "text/calendar; charset=utf-8"
    assert feed.text.startswith("BEGIN:VCALENDAR")
    assert client.get("/files/.history/HEAD").status_code == 404
    assert client.get("/files/..%2Ftiny.yaml").status_code == 404


def test_rows_follow_the_chain_then_the_groups_beside_it():
    """Sörmland's grid: arbetsgrupper, beredningsgrupper, LSG, NSV, then networks and the
    dialogue day, as a sammanträdesplan lists bodies."""
    from cadence import loader
    from cadence.app.views import group_order

    scenario = loader.load(
        Path(__file__).parent.parent / "scenarios" / "sormland-2026.yaml"
    ).scenario
    assert [kind for kind, _ in group_order(scenario)] == [
        "arbetsgrupp", "beredningsgrupp", "styrgrupp", "nämnd", "nätverk", "dialogdag",
    ]  # fmt: skip
    assert group_order(scenario)[4][1] == ["SCN", "IFO", "MASMAR"]


KILLED_APPLY = """
import os, signal, sys
from datetime import date
from pathlib import Path
from cadence import solver
from cadence.answers import Request
from cadence.session import Workspace
workspace = Workspace(Path(sys.argv[1]), Path(sys.argv[2]), date(2026, 1, 1),
                      solver.Settings(time_limit=5))
proposal = workspace.propose(Request("cancel", meeting="AGB-2026-02"))
real, count = os.replace, 0
def dying(src, dst):
    global count
    count += 1
    if Path(dst).suffix == ".ics" and count > 12:  # in the middle of the feeds
        os.kill(os.getpid(), signal.SIGKILL)
    real(src, dst)
os.replace = dying
workspace.apply(proposal, proposal.option_ids[0], 1)
"""


def test_a_kill_in_the_middle_of_an_apply_leaves_the_published_version(setup):
    """An apply killed while it replaces the feeds: the next request finds version 1, byte for
    byte (the journal is recovered under the folder's lock before anything is read)."""
    import subprocess
    import sys

    client, workspace = setup
    before = snapshot(workspace.folder)
    run = subprocess.run(
        [sys.executable, "-c", KILLED_APPLY, str(workspace.scenario), str(workspace.folder)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert run.returncode == -9, run.stderr
    assert snapshot(workspace.folder) != before  # half written
    assert client.get("/api/plan").json()["version"] == 1
    assert snapshot(workspace.folder) == before


def test_the_report_since_the_last_announcement_sums_the_changes(setup):
    """Two changes: the publish page's report lists both, with reasons; marked as sent, none."""
    client, workspace = setup
    first = {"kind": "move", "meeting": "AGB-2026-02", "date": "2026-03-24", "version": 1}
    assert post(client, "/api/changes/apply", first | {"option": 1}).json()["version"] == 2
    second = {"kind": "cancel", "meeting": "AGA-2026-03", "version": 2}
    option = post(client, "/api/changes", second).json()["options"][0]["id"]
    assert post(client, "/api/changes/apply", second | {"option": option}).json()["version"] == 3
    _, text = workspace.since_announced()
    rows = [line for line in text.splitlines() if line.startswith("| ") and "möte" not in line]
    kinds = [row.split(" | ")[:2] for row in rows]
    assert kinds[:2] == [["| flyttat", "AGB-2026-02"], ["| inställt", "AGA-2026-03"]]
    assert all(kind == "| punkt" for kind, _ in kinds[2:])  # agenda items that followed, if any
    assert "flyttat av samordnaren" in rows[0] and "Ordförande B" in rows[0]
    assert "AGB-2026-02" in client.get("/").text.split('id="report"')[1].split("</textarea>")[0]
    assert post(client, "/api/announce", {"version": 2}).status_code == 409
    assert post(client, "/api/announce", {"version": 3}).json()["version"] == 3
    assert workspace.since_announced()[1] == ""
    assert "Inga ändringar sedan version 3 skickades" in client.get("/").text


def test_an_applied_bend_is_shown_with_its_line(setup):
    """Option 2 of AGB-2026-02 → 15 April bends AGB's lead: the plan lists it, AGB's row marks it."""
    client, _ = setup
    body = {"kind": "move", "meeting": "AGB-2026-02", "date": "2026-04-15", "version": 1}
    assert post(client, "/api/changes/apply", body | {"option": 2}).json()["version"] == 2
    bends = client.get("/api/plan").json()["bends"]
    assert [(b["rule"], b["group"], b["line"]) for b in bends] == [
        ("lead_max", "AGB", "tiny.yaml:54")
    ]
    assert bends[0]["words"] == "ledtid AGB → BG 56 dagar (högst 42, rad 54)"
    page = client.get("/").text
    assert "Avsteg som gäller i planen" in page
    assert "avsteg: ledtid AGB → BG 56 dagar" in page.split('data-group="AGB"')[1]


def test_cadence_app_on_a_busy_port_exits_2_in_words(published, tmp_path):
    """The CLI's app command: a port in use is a bad input (exit 2, no traceback)."""
    import socket

    from click.testing import CliRunner

    from cadence.cli import main

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = CliRunner().invoke(main, ["app", str(published / "tiny.yaml"), "--out",
                                           str(published / "out"), "--port", str(port)])  # fmt: skip
    assert result.exit_code == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.output


def test_a_token_only_beyond_loopback(published):
    """The token exists only when the app is bound beyond loopback."""
    from cadence.app.run import config

    scenario, folder = published / "tiny.yaml", published / "out"
    assert config(scenario, folder, "127.0.0.1", 8765, None, 3.0).token is None
    assert len(config(scenario, folder, "0.0.0.0", 8765, None, 3.0).token or "") >= 24


def test_a_folder_without_a_plan_is_planned_first_with_progress(tmp_path):
    """An empty folder: the page says it is planning, /api/plan is 503 meanwhile, then the
    first plan is version 1."""
    import time

    shutil.copy(DATA / "tiny.yaml", tmp_path / "tiny.yaml")
    workspace = Workspace(tmp_path / "tiny.yaml", tmp_path / "out", date(2026, 1, 1),
                          solver.Settings(time_limit=5))  # fmt: skip
    client = TestClient(create_app(Config(workspace, csrf=CSRF)), base_url=BASE)
    first = client.get("/api/plan")
    if first.status_code == 503:  # still planning (on a fast machine it may be done already)
        assert first.json()["status"] == "planning"
        assert "Planerar året" in client.get("/").text
    deadline = time.monotonic() + 60
    while client.get("/api/status").json()["busy"] or not workspace.has_plan():
        assert time.monotonic() < deadline, "the first plan did not finish"
        time.sleep(0.1)
    plan = client.get("/api/plan").json()
    assert plan["version"] == 1 and len(plan["meetings"]) == 9
    assert [v["label"] for v in client.get("/api/history").json()["versions"]] == ["Första planen"]


@pytest.mark.parametrize(
    ("content", "status", "words"),
    [
        (b"not json", 422, "not JSON"),
        (b"[1]", 422, "must be a JSON object"),
        ((b"x" * 1000 for _ in range(100)), 413, "larger than 65536 bytes"),  # no Content-Length
    ],
)
def test_a_body_that_is_not_a_change_is_answered_in_words(setup, content, status, words):
    """Not JSON, not an object, or too long without saying so: 422 or 413, never a 500."""
    client, _ = setup
    answer = client.post("/api/changes", content=content, headers={"X-CSRF-Token": CSRF})
    assert answer.status_code == status and words in answer.json()["message"]


def test_a_cross_site_read_of_the_api_is_refused(setup):
    """Another site's page cannot make the browser run an explanation (Sec-Fetch-Site)."""
    client, _ = setup
    assert client.get("/api/plan", headers={"Sec-Fetch-Site": "cross-site"}).status_code == 403
    assert client.get("/api/plan", headers={"Sec-Fetch-Site": "same-origin"}).status_code == 200


def test_a_change_made_with_the_cli_becomes_a_version_and_a_stale_page_gets_409(setup):
    """cadence cancel beside the app: the app's next read records it as version 2, and a
    change computed against version 1 is refused with 409 (nothing lost)."""
    from click.testing import CliRunner

    from cadence.cli import main

    client, workspace = setup
    result = CliRunner().invoke(main, ["cancel", "AGB-2026-02", str(workspace.scenario), "--out",
                                       str(workspace.folder), "--as-of", "2026-01-01",
                                       "--time-limit", "5", "--option", "1"])  # fmt: skip
    assert result.exit_code == 0, result.output
    body = {"kind": "move", "meeting": "AGA-2026-02", "date": "2026-03-17", "version": 1}
    assert post(client, "/api/changes/apply", body | {"option": 1}).status_code == 409
    versions = client.get("/api/history").json()["versions"]
    assert [(v["id"], v["label"]) for v in versions] == [
        (2, "Ändrad utanför appen (t.ex. cadence move)"), (1, "Första planen"),
    ]  # fmt: skip
    assert all(m["id"] != "AGB-2026-02" for m in client.get("/api/plan").json()["meetings"])
