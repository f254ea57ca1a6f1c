"""The årshjul, rendered in a real headless browser (Debian's chromium)."""

import json
import re
import shutil
import subprocess
import zlib
from collections import Counter
from pathlib import Path

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
