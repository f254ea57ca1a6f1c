"""The workbench in Debian's chromium: load, explain, drag a move, options, apply, undo,
follow a subscribe link, keyboard, axe-core (no serious finding), the grid on screen and paper.

The server runs in a thread on a free port; Playwright drives /usr/bin/chromium (its own browser
download is not reachable here). axe-core comes from npm: ``.ci/run`` installs it into
``.ci/axe`` (``npm install --prefix .ci/axe axe-core@4.11.1``).
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from datetime import date
from pathlib import Path

import pytest

from cadence import solver
from cadence.app import Config, create_app
from cadence.session import Workspace

ROOT = Path(__file__).parent.parent
DATA = Path(__file__).parent / "data"
CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / ".ci" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip

playwright = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The app over a freshly planned copy of tiny.yaml, served by uvicorn in a thread."""
    import uvicorn

    root = tmp_path_factory.mktemp("browser")
    shutil.copy(DATA / "tiny.yaml", root / "tiny.yaml")
    workspace = Workspace(root / "tiny.yaml", root / "out", date(2026, 1, 1),
                          solver.Settings(time_limit=5))  # fmt: skip
    workspace.plan_first()
    port = _free_port()
    app = create_app(Config(workspace, port=port))
    running = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not running.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert running.started, "the app did not start"
    yield f"http://127.0.0.1:{port}/", root
    running.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield launched
        launched.close()


def serious(page) -> list[str]:
    """axe-core's serious and critical findings on the page as it is, one line each."""
    if not AXE.exists():
        pytest.fail(f"axe-core is not installed at {AXE}: run the npm line of .ci/run")
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("async () => (await axe.run(document)).violations")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} – {[n['target'] for n in v['nodes']][:3]}"
        for v in found
        if v["impact"] in ("serious", "critical")
    ]


def test_the_coordinators_flow(server, browser, tmp_path):
    """Load, explain, drag AGB-2026-02 to April → two options, apply one, undo, subscribe."""
    base, _ = server
    page = browser.new_context(viewport={"width": 1400, "height": 900}, bypass_csp=True).new_page()
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.goto(base)
    assert page.title() == "Mötesplan – Liten halvårsplan"
    assert page.locator("table.grid button.meeting").count() == 9
    assert serious(page) == []

    # Why: the chain rule with its scenario line.
    page.click('button.meeting[data-id="AGB-2026-02"]')
    page.click("text=Varför ligger mötet här?")
    page.wait_for_selector("ul.rules li", timeout=60_000)
    assert "tiny.yaml:54" in page.inner_text("ul.rules")
    assert "bereder BG-2026-02 (torsdag 2026-04-16, 29 dagar senare)" in page.inner_text("ul.rules")
    assert "days before" not in page.inner_text("#explanation")
    page.wait_for_selector("table.alternatives", timeout=60_000)
    assert serious(page) == []
    page.click("#panel-close")

    # Drag to April: the third Wednesday (15 April); keeping every rule moves three others,
    # the other option bends AGB's lead to BG (line 54).
    page.drag_and_drop('button.meeting[data-id="AGB-2026-02"]',
                       'td[data-group="AGB"][data-month="2026-04"]')  # fmt: skip
    page.wait_for_selector("section.option", timeout=60_000)
    assert page.locator("section.option").count() == 2
    assert page.input_value("form.move input[name=date]") == "2026-04-15"
    assert "tiny.yaml:54" in page.inner_text("section.option >> nth=1")
    assert page.locator("table.grid .ghost").count() >= 1
    assert page.locator("table.grid button.meeting.moved").count() >= 1
    assert serious(page) == []
    page.screenshot(path=str(tmp_path / "options.png"))

    # Apply the all-rules option: version 2, AGB-2026-02 in April.
    page.click("section.option >> nth=0 >> button.apply")
    page.wait_for_selector('body[data-version="2"]', timeout=60_000)
    assert (
        page.locator(
            'td[data-group="AGB"][data-month="2026-04"] button.meeting[data-id="AGB-2026-02"]'
        ).count()
        == 1
    )

    # Undo: version 1 again, the meeting back in March.
    page.click("#undo")
    page.wait_for_selector('body[data-version="1"]', timeout=60_000)
    assert (
        page.locator(
            'td[data-group="AGB"][data-month="2026-03"] button.meeting[data-id="AGB-2026-02"]'
        ).count()
        == 1
    )

    # Follow the subscribe link of the whole plan: a calendar, as a client would fetch it.
    link = page.locator('tr[data-kind="alla"] a.feed')
    with page.expect_download() as download:
        link.click(modifiers=["Alt"])  # Alt-click downloads the link: what a client gets
    body = Path(download.value.path()).read_text(encoding="utf-8")
    assert body.startswith("BEGIN:VCALENDAR") and "UID:" in body
    feed = page.request.get(base.rstrip("/") + link.get_attribute("href"))
    assert feed.headers["content-type"] == "text/calendar; charset=utf-8"
    assert errors == []


def test_keyboard_opens_and_closes_the_panel(server, browser):
    """Tab to a meeting, Enter opens its panel with focus in it, Escape returns focus."""
    base, _ = server
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(base)
    chip = page.locator('button.meeting[data-id="BG-2026-02"]')
    chip.focus()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "panel"
    assert page.inner_text("#panel-title") == "BG-2026-02"
    page.keyboard.press("Escape")
    assert page.is_hidden("#panel")
    assert page.evaluate("document.activeElement.dataset.id") == "BG-2026-02"


def test_screenshots_of_the_grid_and_the_printed_page(server, browser, tmp_path):
    """The grid at 1400 px, and the page as printed on A3 landscape: only the grid."""
    base, _ = server
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(base)
    page.screenshot(path=str(tmp_path / "grid.png"))
    page.emulate_media(media="print")
    assert page.is_hidden("#arshjul") and page.is_hidden("nav")
    assert page.is_visible("table.grid")
    page.set_viewport_size({"width": 1587, "height": 1123})  # A3 landscape at 96 dpi
    page.screenshot(path=str(tmp_path / "print.png"), full_page=True)
    pdf = page.pdf(format="A3", landscape=True, print_background=True)
    assert pdf.startswith(b"%PDF") and (tmp_path / "print.png").stat().st_size > 10_000
