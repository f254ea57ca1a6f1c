"""index.html: every feed of the output folder with its subscribe link and what it holds.

A link to a feed subscribes only from a web server: a calendar program given a file imports a
copy that never updates. So the page gives full https:// and webcal:// addresses when it knows
where the folder is published (``publish.base_url`` or ``--base-url``). Without that address it
says plainly that the feeds must be published first; served over http(s) (``cadence serve``),
its script fills in the addresses of the server it came from.
"""

from __future__ import annotations

import html

from cadence.export.ics import REFRESH, Feed
from cadence.scenario import Scenario

_SECTIONS = (
    ("samordnare", "Samordnarens påminnelser"),
    ("alla", "Hela planen"),
    ("grupp", "Grupper"),
    ("person", "Personer"),
)

# Copy buttons; and, served over http(s) without a known address, the server's own addresses.
_SCRIPT = """
function copyText(text, button) {
  const done = () => { button.textContent = "Kopierad"; setTimeout(() => {
    button.textContent = "Kopiera adress"; }, 2000); };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(text).then(done, () => fallbackCopy(text, done));
  } else { fallbackCopy(text, done); }
}
function fallbackCopy(text, done) {
  const area = document.createElement("textarea");
  area.value = text; document.body.appendChild(area); area.select();
  try { document.execCommand("copy"); done(); } finally { area.remove(); }
}
for (const button of document.querySelectorAll("button.copy")) {
  button.addEventListener("click", () => {
    copyText(button.closest("tr").querySelector("input.address").value, button);
  });
}
if (document.body.dataset.published === "no" && location.protocol.startsWith("http")) {
  for (const row of document.querySelectorAll("tr[data-path]")) {
    const url = new URL(row.dataset.path, location.href);
    const cell = row.querySelector("td.where");
    cell.innerHTML = "";
    const input = document.createElement("input");
    input.className = "address"; input.readOnly = true; input.value = url.href;
    const link = document.createElement("a");
    link.className = "subscribe"; link.href = "webcal://" + url.host + url.pathname;
    link.textContent = "Prenumerera";
    const button = document.createElement("button");
    button.className = "copy"; button.type = "button"; button.textContent = "Kopiera adress";
    button.addEventListener("click", () => copyText(input.value, button));
    cell.append(input, link, button);
  }
  document.getElementById("unpublished").hidden = true;
  document.getElementById("served").hidden = false;
  document.getElementById("howto").hidden = false;
}
"""

_STYLE = """
* { box-sizing: border-box; }
body { font-family: system-ui, sans-serif; margin: 0 auto; padding: 1rem 1.2rem 3rem;
  color: #222; max-width: 1200px; line-height: 1.45; }
h1 { font-size: 1.6rem; margin: 0.5rem 0 0.8rem; }
h2 { font-size: 1.2rem; margin-top: 1.8rem; }
table { border-collapse: collapse; width: 100%; margin-bottom: 1rem; }
th, td { text-align: left; padding: 0.4rem 0.6rem; border-bottom: 1px solid #ddd;
  vertical-align: top; }
th { background: #f3f5f7; font-weight: 600; }
td.count { text-align: right; }
input.address { width: 100%; min-width: 16rem; font: 0.85rem ui-monospace, monospace;
  padding: 0.3rem; border: 1px solid #bbb; border-radius: 4px; background: #fafafa; }
a.subscribe, button.copy { display: inline-block; margin: 0.35rem 0.5rem 0 0; padding: 0.3rem
  0.8rem; border-radius: 4px; font: inherit; font-size: 0.9rem; cursor: pointer; }
a.subscribe { background: #1f6f8b; color: #fff; text-decoration: none; }
button.copy { background: #fff; border: 1px solid #1f6f8b; color: #1f6f8b; }
.notice { border-left: 5px solid #c0562b; background: #fdf2ec; padding: 0.8rem 1rem;
  margin: 1rem 0; }
.notice.ok { border-color: #5b8c2a; background: #f1f7ec; }
.howto { display: grid; grid-template-columns: repeat(auto-fit, minmax(16rem, 1fr)); gap: 1rem; }
.howto section { border: 1px solid #ddd; border-radius: 6px; padding: 0.6rem 0.9rem; }
.howto h3 { margin: 0 0 0.4rem; font-size: 1rem; }
.howto ol { margin: 0; padding-left: 1.2rem; }
code { font-size: 0.85em; overflow-wrap: anywhere; }
@media (max-width: 720px) {
  table, thead, tbody, tr, td { display: block; width: 100%; }
  thead { display: none; }
  tr { border: 1px solid #ddd; border-radius: 6px; margin-bottom: 0.8rem; padding: 0.3rem; }
  td { border: none; padding: 0.2rem 0.4rem; }
  td.count { text-align: left; }
  td.count::before { content: "Möten: "; }
  input.address { min-width: 0; }
}
@media print {
  button.copy, a.subscribe, script { display: none; }
  body { max-width: none; }
}
"""

_HOWTO = """
<div id="howto"{hidden}>
<h2>Så prenumererar du</h2>
<div class="howto">
<section><h3>Outlook</h3><ol>
<li>Kopiera adressen (<em>Kopiera adress</em>).</li>
<li>Outlook på webben och nya Outlook: <em>Kalender → Lägg till kalender → Prenumerera från
webben</em>. Klassiska Outlook: <em>Lägg till kalender → Från Internet</em>.</li>
<li>Klistra in adressen och spara.</li></ol></section>
<section><h3>Google Kalender</h3><ol>
<li>Kopiera adressen (https://, inte webcal://).</li>
<li>På datorn: <em>Andra kalendrar → + → Från webbadress</em>.</li>
<li>Klistra in adressen och välj <em>Lägg till kalender</em>. Google läser om den ungefär
en gång per dygn.</li></ol></section>
<section><h3>Apple Kalender</h3><ol>
<li>På iPhone eller iPad: tryck på <em>Prenumerera</em> och bekräfta.</li>
<li>På Mac: tryck på <em>Prenumerera</em>, eller <em>Arkiv → Ny kalenderprenumeration</em>
och klistra in adressen.</li>
<li>Välj hur ofta den ska uppdateras (till exempel varje timme).</li></ol></section>
</div>
</div>
"""


def _row(feed: Feed, base: str | None) -> str:
    e = html.escape
    url, webcal = feed.url(base), feed.webcal(base)
    if url and webcal:
        where = (
            f'<input class="address" readonly value="{e(url)}" aria-label="Adress till '
            f'{e(feed.name)}"><a class="subscribe" href="{e(webcal)}">Prenumerera</a>'
            '<button class="copy" type="button">Kopiera adress</button>'
        )
    else:
        where = f"<code>{e(feed.path)}</code> (publiceras inte än)"
    return (
        f'<tr data-path="{e(feed.path)}"><td>{e(feed.name)}</td>'
        f'<td class="count">{len(feed.meetings)}</td><td class="where">{where}</td>'
        f"<td>{e(feed.description)}</td></tr>"
    )


def index_html(
    scenario: Scenario, feeds: list[Feed], others: list[tuple[str, str]], base: str | None = None
) -> str:
    """The page; ``others`` are (path, description) of the folder's other files; ``base`` is
    the address the folder is published at, if known."""
    e = html.escape
    sections = []
    for kind, heading in _SECTIONS:
        rows = "".join(_row(f, base) for f in feeds if f.kind == kind)
        if rows:
            sections.append(
                f"<h2>{heading}</h2><table><thead><tr><th>Kalender</th><th>Möten</th>"
                f"<th>Adress</th><th>Innehåll</th></tr></thead><tbody>{rows}</tbody></table>"
            )
    files = "".join(
        f'<li><a href="{e(path)}">{e(path)}</a> – {e(text)}</li>' for path, text in others
    )
    hours = int(REFRESH.total_seconds() // 3600)
    if base:
        status = (
            f'<p class="notice ok" id="published">Kalendrarna är publicerade på '
            f'<a href="{e(base)}/index.html">{e(base)}/</a>. Prenumerera med adressen nedan: '
            f"kalendern uppdateras då av sig själv, ungefär var {hours}:e timme; flyttade "
            "möten flyttas och inget möte dubbleras.</p>"
        )
    else:
        status = (
            '<div class="notice" id="unpublished"><p><strong>Länkarna fungerar först när '
            "kalendrarna är publicerade.</strong> Den här mappen har ingen webbadress än. En "
            "kalender som öppnas eller importeras direkt från en fil blir en engångskopia som "
            "aldrig uppdateras, så sidan erbjuder ingen sådan länk.</p><p>Kopiera mappen till "
            "organisationens webbserver och kör <code>cadence plan --base-url "
            "https://server/mapp</code> (eller skriv <code>publish: {base_url: "
            "https://server/mapp}</code> i scenariot): då får sidan adresser att prenumerera "
            "på. För att prova på den egna datorn: <code>cadence serve</code>.</p></div>"
            '<p class="notice ok" id="served" hidden>Adresserna nedan gäller servern som visar '
            f"sidan. Kalendern uppdateras av sig själv, ungefär var {hours}:e timme.</p>"
        )
    published = "yes" if base else "no"
    return f"""<!doctype html>
<html lang="sv">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Kalendrar – {e(scenario.name)}</title>
<style>{_STYLE}</style>
</head>
<body data-published="{published}">
<h1>Kalendrar – {e(scenario.name)}</h1>
{status}
{_HOWTO.format(hidden="" if base else " hidden")}
{"".join(sections)}
<h2>Planen som tabell och bild</h2>
<p>Öppna <a href="plan.xlsx">plan.xlsx</a> i Excel. <a href="plan.csv">plan.csv</a> är för
program: UTF-8, kommaseparerad, tider i ISO 8601 med UTC-förskjutning (2026-03-19T13:00:00+01:00),
inställda möten med status <code>cancelled</code>.</p>
<ul>{files}</ul>
<script>{_SCRIPT}</script>
</body>
</html>
"""
