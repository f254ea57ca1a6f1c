"""The årshjul, rendered in a real headless browser (Debian's chromium)."""

import json
import re
import shutil
import subprocess
import zlib
from collections import Counter
from pathlib import Path

import pytest

from cadence.export import wheel

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Counts each picture's marks and finds any drawn element whose box leaves its picture.
PROBE = """
<script>
window.addEventListener("load", () => {
  const result = [];
  for (const svg of document.querySelectorAll("svg")) {
    const box = svg.getBoundingClientRect();
    const outside = [];
    for (const el of svg.querySelectorAll("circle, path, line, text, rect")) {
      const r = el.getBoundingClientRect();
      if (r.left < box.left - 0.5 || r.top < box.top - 0.5 ||
          r.right > box.right + 0.5 || r.bottom > box.bottom + 0.5) {
        outside.push(el.outerHTML.slice(0, 80));
      }
    }
    result.push({cls: svg.getAttribute("class"), marks: svg.querySelectorAll(".mark").length,
                 fixed: svg.querySelectorAll(".mark.fixed").length, outside: outside,
                 width: box.width, height: box.height});
  }
  const pre = document.createElement("pre");
  pre.id = "probe";
  pre.textContent = JSON.stringify(result);
  document.body.appendChild(pre);
});
</script>
"""


def browser(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    assert CHROMIUM, "chromium is needed to test the årshjul (apt-get install chromium)"
    profile = tmp_path / "profile"
    command = [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=True)


def probe(tmp_path: Path, page: Path) -> list[dict]:
    probed = tmp_path / "probed.html"
    probed.write_text(page.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>"))
    dom = browser(tmp_path, "--virtual-time-budget=5000", "--dump-dom", probed.as_uri()).stdout
    found = re.search(r'<pre id="probe">(.*?)</pre>', dom, re.S)
    assert found, dom[-2000:]
    return json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&"))


def test_page_renders_every_meeting_inside_the_canvas(tiny_published, tmp_path):
    """In chromium every meeting is drawn inside its picture, one wheel per year and a timeline."""
    scenario, plan, folder = tiny_published
    pictures = probe(tmp_path, folder / "arshjul.html")
    wheels = [p for p in pictures if p["cls"] == "arshjul"]
    timelines = [p for p in pictures if p["cls"] == "tidslinje"]
    assert len(wheels) == len(wheel.years(scenario)) and len(timelines) == 1
    assert sum(p["marks"] for p in wheels) == len(plan.meetings)
    assert timelines[0]["marks"] == len(plan.meetings)
    fixed = sum(1 for g in scenario.groups for _ in g.fixed)
    assert sum(p["fixed"] for p in wheels) == fixed
    for picture in pictures:
        assert picture["outside"] == [], picture
        assert picture["width"] > 300 and picture["height"] > 60


def png_pixels(data: bytes) -> list[tuple[int, int, int]]:
    """The RGB pixels of an 8-bit, non-interlaced RGB or RGBA PNG (what chromium writes)."""
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    depth, kind, interlace = data[24], data[25], data[28]
    assert (depth, interlace) == (8, 0) and kind in (2, 6)
    step = 3 if kind == 2 else 4
    chunks, at = [], 8
    while at < len(data):
        size = int.from_bytes(data[at : at + 4], "big")
        if data[at + 4 : at + 8] == b"IDAT":
            chunks.append(data[at + 8 : at + 8 + size])
        at += 12 + size
    raw = zlib.decompress(b"".join(chunks))
    stride = width * step
    previous = bytearray(stride)
    pixels = []
    for y in range(height):
        kind_of_filter = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - step] if i >= step else 0
            up = previous[i]
            corner = previous[i - step] if i >= step else 0
            if kind_of_filter == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind_of_filter == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind_of_filter == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind_of_filter == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                guess = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                line[i] = (line[i] + guess) & 0xFF
        pixels += [tuple(line[i : i + 3]) for i in range(0, stride, step)]
        previous = line
    return pixels


def test_svg_alone_renders_and_is_self_contained(tiny_published, tmp_path):
    """The SVG alone needs nothing from the network and chromium draws it."""
    _, plan, folder = tiny_published
    svg = (folder / "arshjul.svg").read_text(encoding="utf-8")
    page = (folder / "arshjul.html").read_text(encoding="utf-8")
    for text in (svg, page):
        assert "http://" not in text.replace("http://www.w3.org/2000/svg", "")
        assert "https://" not in text
    assert svg.count('class="mark') == len(plan.meetings)
    shot = tmp_path / "arshjul.png"
    browser(
        tmp_path,
        f"--screenshot={shot}",
        "--window-size=1000,1000",
        (folder / "arshjul.svg").as_uri(),
    )
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (1000, 1000)
    # Drawn, not blank: the breaks' grey and sportlov's yellow fill whole sectors.
    colours = Counter(png_pixels(data))
    assert colours[(0xD5, 0xD8, 0xDC)] > 500, "no blocked days drawn"
    assert colours[(0xFC, 0xF3, 0xCF)] > 500, "no avoided week drawn"


def test_swedish_labels_and_milestones(tiny_published):
    """Swedish month labels, and every fixed date among the milestones on the page."""
    scenario, plan, folder = tiny_published
    page = (folder / "arshjul.html").read_text(encoding="utf-8")
    assert '<html lang="sv">' in page
    for month in ("jan", "feb", "mar", "apr", "maj", "jun"):
        assert f">{month}<" in page
    stones = wheel.milestones(scenario, plan)
    fixed = [(g.id, f.date) for g in scenario.groups for f in g.fixed]
    assert {(m.meeting.group, m.meeting.start.date()) for m in stones} >= set(fixed)
    for stone in stones:
        assert stone.text.replace("–", "&ndash;") in page or stone.text in page


# Every text's box against every other's, and every label (not a day number) against every
# dot; each mark's tooltip and day number.
OVERLAP_PROBE = """
<script>
window.addEventListener("load", () => {
  const result = [];
  const meets = (a, b) => a.left < b.right - 0.5 && b.left < a.right - 0.5 &&
                          a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
  const name = (el) => (el.closest(".mark") ? el.closest(".mark").dataset.id + ":" : "") +
                       el.textContent.slice(0, 40);
  for (const svg of document.querySelectorAll("svg")) {
    const texts = [...svg.querySelectorAll("text")].map((el) => [el, el.getBoundingClientRect()]);
    const dots = [...svg.querySelectorAll(".mark circle")].map((el) => [el, el.getBoundingClientRect()]);
    const overlaps = [];
    for (let i = 0; i < texts.length; i++) {
      for (let j = i + 1; j < texts.length; j++) {
        if (meets(texts[i][1], texts[j][1])) overlaps.push([name(texts[i][0]), name(texts[j][0])]);
      }
      if (texts[i][0].closest(".mark")) continue;
      for (const [dot, box] of dots) {
        if (meets(texts[i][1], box)) overlaps.push([name(texts[i][0]), dot.parentNode.dataset.id]);
      }
    }
    const marks = [...svg.querySelectorAll(".mark")].map((g) => ({
      id: g.dataset.id, group: g.dataset.group, date: g.dataset.date,
      title: g.querySelector("title").textContent, day: g.querySelector("text").textContent,
      shown: g.querySelector("text").getBoundingClientRect().width > 0,
    }));
    result.push({cls: svg.getAttribute("class"), overlaps: overlaps, marks: marks,
                 title: svg.querySelector("text.title") ? svg.querySelector("text.title").textContent : null,
                 legend: svg.querySelector("text.legend-head") !== null});
  }
  const pre = document.createElement("pre");
  pre.id = "probe";
  pre.textContent = JSON.stringify(result);
  document.body.appendChild(pre);
});
</script>
"""


def dense_plan(scenario):
    """Every group of Sörmland 2026 at its most meetings, evenly over its working days: as
    crowded as the wheel gets, without a solve (the wheel draws what it is given)."""
    import zoneinfo
    from datetime import datetime, timedelta

    from cadence.calendar import WorkCalendar
    from cadence.plan import Meeting, Plan

    tz = zoneinfo.ZoneInfo(scenario.period.timezone)
    days = WorkCalendar(scenario.calendar, scenario.period).working_days()
    meetings = []
    for n, group in enumerate(scenario.groups):
        count = group.meetings.max
        for i in range(count):
            day = days[(len(days) * i) // count + n % 5]
            start = datetime.combine(day, group.start_times[0], tz)
            meeting_id = f"{group.id}-{day.year}-{i + 1:02d}"
            meetings.append(
                Meeting(
                    meeting_id, meeting_id, group.id, start, start + timedelta(hours=2), "", None
                )
            )
    return Plan(scenario.name, tuple(meetings))


@pytest.fixture(scope="module")
def sormland():
    from cadence import loader
    from tests.conftest import ROOT

    return loader.load(ROOT / "scenarios" / "sormland-2026.yaml").scenario


@pytest.mark.parametrize("which", ["tiny", "sormland"])
def test_labels_never_overlap_and_every_meeting_says_group_and_date(
    which, tiny_published, sormland, tmp_path
):
    """In chromium: no two texts of a picture overlap, no label covers a dot, every meeting
    shows its day and names its group and date; every picture has a title and a legend."""
    from cadence import sv

    if which == "tiny":
        scenario, plan, _ = tiny_published
    else:
        scenario, plan = sormland, dense_plan(sormland)
    page = tmp_path / "page.html"
    page.write_text(wheel.page(scenario, plan).replace("</body>", OVERLAP_PROBE + "</body>"))
    dom = browser(
        tmp_path,
        "--window-size=1300,1000",
        "--virtual-time-budget=5000",
        "--dump-dom",
        page.as_uri(),
    ).stdout
    found = re.search(r'<pre id="probe">(.*?)</pre>', dom, re.S)
    assert found, dom[-2000:]
    pictures = json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&"))
    by_id = {m.id: m for m in plan.meetings}
    for picture in pictures:
        assert picture["overlaps"] == [], (picture["cls"], picture["overlaps"][:10])
        assert picture["title"] and scenario.name in picture["title"] and picture["legend"]
        assert sorted(m["id"] for m in picture["marks"]) == sorted(by_id)
        for mark in picture["marks"]:
            meeting = by_id[mark["id"]]
            day = meeting.start.date()
            assert mark["group"] == meeting.group and mark["date"] == day.isoformat()
            assert mark["title"].startswith(
                f"{meeting.group} – {scenario.group(meeting.group).name}"
            )
            assert f"{sv.day_month(day)} {day.year}" in mark["title"]
            assert mark["day"] == str(day.day) and mark["shown"]
