"""index.html: every feed of the output folder with its subscribe link and what it holds."""

from __future__ import annotations

import html

from cadence.export.ics import REFRESH, Feed
from cadence.scenario import Scenario

_SECTIONS = (
    ("alla", "Hela planen"),
    ("grupp", "Grupper"),
    ("person", "Personer"),
)

# Served over http(s), the page turns each feed's address into a webcal:// link, which opens the
# reader's calendar program; opened as a file, the plain links still work for download.
_SCRIPT = """
for (const a of document.querySelectorAll("a.subscribe")) {
  if (location.protocol.startsWith("http")) {
    const url = new URL(a.getAttribute("href"), location.href);
    a.href = "webcal://" + url.host + url.pathname;
    a.nextElementSibling.textContent = url.href;
  }
}
"""


def index_html(scenario: Scenario, feeds: list[Feed], others: list[tuple[str, str]]) -> str:
    """The page; ``others`` are (path, description) of the folder's other files."""
    e = html.escape
    sections = []
    for kind, heading in _SECTIONS:
        rows = "".join(
            f"<tr><td>{e(f.name)}</td><td>{len(f.meetings)}</td>"
            f'<td><a class="subscribe" href="{e(f.path)}">Prenumerera</a> '
            f"<code>{e(f.path)}</code></td><td>{e(f.description)}</td></tr>"
            for f in feeds
            if f.kind == kind
        )
        if rows:
            sections.append(
                f"<h2>{heading}</h2><table><thead><tr><th>Kalender</th><th>Möten</th>"
                f"<th>Adress</th><th>Innehåll</th></tr></thead><tbody>{rows}</tbody></table>"
            )
    files = "".join(
        f'<li><a href="{e(path)}">{e(path)}</a> – {e(text)}</li>' for path, text in others
    )
    hours = int(REFRESH.total_seconds() // 3600)
    return f"""<!doctype html>
<html lang="sv">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Kalendrar – {e(scenario.name)}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem; color: #222; max-width: 1200px; }}
table {{ border-collapse: collapse; margin-bottom: 1.5rem; }}
th, td {{ text-align: left; padding: 0.3rem 0.7rem; border-bottom: 1px solid #ddd;
  vertical-align: top; }}
code {{ font-size: 0.85em; color: #555; margin-left: 0.5em; }}
</style>
</head>
<body>
<h1>Kalendrar – {e(scenario.name)}</h1>
<p>Prenumerera på en kalender i Outlook, Google Kalender, Apple Kalender eller Thunderbird
med länken nedan (i Outlook: <em>Lägg till kalender → Från Internet</em>; i Google:
<em>Andra kalendrar → Från webbadress</em>). Kalendern uppdateras av sig själv, ungefär var
{hours}:e timme; flyttade möten flyttas, inget möte dubbleras.</p>
{"".join(sections)}
<h2>Övrigt</h2>
<ul>{files}</ul>
<script>{_SCRIPT}</script>
</body>
</html>
"""
