"""index.html and the feeds' addresses: absolute links when the publishing address is known, a
plain warning instead of one-off imports when it is not; clicked through in headless chromium."""

import json
import re
import shutil
from dataclasses import replace

import icalendar
import pytest

from cadence.export import publish
from cadence.output import write_folder
from cadence.scenario import Publish
from tests.test_wheel import browser

BASE = "https://example.org/kalender"

# Runs before the page's own script: records what each click would open or copy.
CLICKER = """
<script>
const seen = {opened: [], copied: []};
Object.defineProperty(navigator, "clipboard", {value: {writeText: (text) => {
  seen.copied.push(text); return Promise.resolve(); }}});
document.execCommand = (command) => {
  seen.copied.push(document.activeElement.value); return true;
};
document.addEventListener("click", (event) => {
  const link = event.target.closest("a");
  if (link) { seen.opened.push(link.href); event.preventDefault(); }
}, true);
window.addEventListener("load", () => {
  for (const el of document.querySelectorAll("a.subscribe, button.copy")) el.click();
  const rows = [...document.querySelectorAll("tr[data-path]")].map((row) => ({
    path: row.dataset.path,
    links: [...row.querySelectorAll("a")].map((a) => a.href),
    address: (row.querySelector("input.address") || {}).value || null,
  }));
  const visible = (id) => { const el = document.getElementById(id);
    return !!el && !el.hidden && el.offsetParent !== null; };
  const pre = document.createElement("pre");
  pre.id = "clicked";
  pre.textContent = JSON.stringify({seen, rows, unpublished: visible("unpublished"),
    howto: visible("howto"), width: document.documentElement.scrollWidth,
    viewport: window.innerWidth,
    wide: [...document.querySelectorAll("body *")].filter((el) =>
      el.getBoundingClientRect().right > window.innerWidth + 1).map((el) => el.outerHTML.slice(0, 60))});
  document.body.appendChild(pre);
});
</script>
"""


def click_through(tmp_path, page, width=1200):
    probed = tmp_path / "clicked.html"
    text = page.read_text(encoding="utf-8")
    probed.write_text(re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + CLICKER, text, count=1))
    dom = browser(
        tmp_path, f"--window-size={width},900", "--virtual-time-budget=5000", "--dump-dom",
        probed.as_uri(),
    ).stdout  # fmt: skip
    found = re.search(r'<pre id="clicked">(.*?)</pre>', dom, re.S)
    assert found, dom[-2000:]
    return json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&"))


@pytest.fixture(scope="module")
def published(tiny_published, tmp_path_factory):
    """The tiny plan published with --base-url https://example.org/kalender."""
    scenario, plan, _ = tiny_published
    scenario = replace(scenario, publish=Publish(base_url=BASE + "/"))
    folder = tmp_path_factory.mktemp("published")
    write_folder(folder, publish(scenario, plan))
    return scenario, plan, folder


def test_every_feed_link_is_absolute_in_the_browser(published, tmp_path):
    """Clicking every Prenumerera link opens webcal://example.org/kalender/…, every copy button
    copies https://example.org/kalender/…, one per feed of the folder."""
    _, _, folder = published
    feeds = sorted(str(p.relative_to(folder)) for p in folder.rglob("*.ics"))
    result = click_through(tmp_path, folder / "index.html")
    assert sorted(r["path"] for r in result["rows"]) == feeds
    for row in result["rows"]:
        assert row["links"] == [f"webcal://example.org/kalender/{row['path']}"]
        assert row["address"] == f"{BASE}/{row['path']}"
    assert sorted(result["seen"]["opened"]) == sorted(
        f"webcal://example.org/kalender/{p}" for p in feeds
    )
    assert sorted(result["seen"]["copied"]) == sorted(f"{BASE}/{p}" for p in feeds)
    assert not result["unpublished"] and result["howto"]


def test_coordinator_feed_comes_first(published):
    """samordnare.ics is the first feed on the page."""
    _, _, folder = published
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert re.findall(r'data-path="([^"]+)"', page)[0] == "samordnare.ics"


def test_page_fits_a_phone(published, tmp_path):
    """At 390 px the page does not scroll sideways."""
    _, _, folder = published
    result = click_through(tmp_path, folder / "index.html", width=390)
    assert result["wide"] == [] and result["width"] <= result["viewport"]


def test_feeds_say_where_they_live(published):
    """Each feed's URL and SOURCE are its own absolute https:// address."""
    _, _, folder = published
    for path in folder.rglob("*.ics"):
        cal = icalendar.Calendar.from_ical(path.read_bytes())
        want = f"{BASE}/{path.relative_to(folder)}"
        assert str(cal["URL"]) == want and str(cal["SOURCE"]) == want


def test_unpublished_page_offers_no_one_off_import(tiny_published, tmp_path):
    """Without an address the page says the feeds must be published first and links no feed."""
    _, _, folder = tiny_published
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert "Länkarna fungerar först när kalendrarna är publicerade" in page
    assert not re.search(r'href="[^"]*\.ics"', page)
    result = click_through(tmp_path, folder / "index.html")
    assert result["unpublished"] and not result["howto"]
    assert all(row["links"] == [] and row["address"] is None for row in result["rows"])
    for path in folder.rglob("*.ics"):
        assert "URL" not in icalendar.Calendar.from_ical(path.read_bytes())


def test_csv_is_for_programs_and_excel_users_get_the_workbook(tiny_published):
    """The page tells Excel users to open plan.xlsx and what plan.csv is."""
    _, _, folder = tiny_published
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert 'Öppna <a href="plan.xlsx">plan.xlsx</a> i Excel' in page
    assert "ISO 8601" in page


def test_served_page_gives_the_servers_addresses(tiny_published, tmp_path):
    """Under cadence serve, a page without a publishing address fills in the server's own
    https-or-http and webcal addresses, and hides the warning."""
    import threading

    from cadence.serve import make_server

    _, _, published = tiny_published
    folder = tmp_path / "site"
    shutil.copytree(published, folder)
    text = (folder / "index.html").read_text(encoding="utf-8")
    (folder / "index.html").write_text(
        re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + CLICKER, text, count=1)
    )
    server = make_server(folder, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        port = server.server_address[1]
        dom = browser(
            tmp_path, "--virtual-time-budget=5000", "--dump-dom",
            f"http://127.0.0.1:{port}/index.html",
        ).stdout  # fmt: skip
    finally:
        server.shutdown()
        server.server_close()
    found = re.search(r'<pre id="clicked">(.*?)</pre>', dom, re.S)
    assert found, dom[-2000:]
    result = json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&"))
    assert not result["unpublished"] and result["howto"]
    for row in result["rows"]:
        assert row["links"] == [f"webcal://127.0.0.1:{port}/{row['path']}"]
        assert row["address"] == f"http://127.0.0.1:{port}/{row['path']}"
