// The workbench's page: filters, the meeting panel (why, move, cancel, add), drag and drop,
// the options of a change and applying one, undo, the scenario forms, progress. Plain
// JavaScript, no library: every answer comes from the JSON API (docs/app-api.md).
"use strict";

const csrf = document.querySelector('meta[name="csrf-token"]').content;
const dataNode = document.getElementById("plan-data");
const plan = dataNode ? JSON.parse(dataNode.textContent) : null;
const byId = new Map(plan ? plan.meetings.map((m) => [m.id, m]) : []);
const WEEKDAYS = ["söndag", "måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag"];
const RULE_KINDS = { chain: "kedja", kallelse: "kallelse", weekdays: "veckodagar", count: "antal",
  spacing: "avstånd", fixed: "fast datum", firm: "fasta datum", chair: "ordförande",
  people: "personer", item: "punkt", calendar: "kalender", bent: "avsteg" };
const MONTHS = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
  "september", "oktober", "november", "december"];

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function swedishDate(iso) {
  const d = new Date(iso.slice(0, 10) + "T12:00:00");
  return `${WEEKDAYS[d.getDay()]} ${d.getDate()} ${MONTHS[d.getMonth()]} ${d.getFullYear()}`;
}

function shortDate(iso) {
  const d = new Date(iso.slice(0, 10) + "T12:00:00");
  return `${WEEKDAYS[d.getDay()].slice(0, 3)} ${d.getDate()} ${MONTHS[d.getMonth()]}`;
}

function when(iso) {
  return iso ? `${shortDate(iso)} ${iso.slice(11, 16)}` : "–";
}

// The plan's goals (cadence.goals) as the page names them.
const GOALS = { spread: "spridning", lead: "ledtid", rhythm: "rytm", avoid: "undvikna dagar",
  person_week: "möten per person och vecka", person_day: "möten per person och dag" };

// -- Talking to the server, with progress -----------------------------------------------------

const progress = document.getElementById("progress");
let polling = null;

function startProgress(text) {
  progress.textContent = text + " …";
  progress.classList.add("busy");
  const started = Date.now();
  polling = setInterval(async () => {
    try {
      const status = await (await fetch("/api/status")).json();
      const seconds = Math.round((Date.now() - started) / 1000);
      progress.textContent = `${status.phase || text} … ${seconds} s` +
        (status.best ? ` (${status.best})` : "");
    } catch (err) { /* the next poll tries again */ }
  }, 700);
}

function stopProgress(text = "") {
  clearInterval(polling);
  progress.classList.remove("busy");
  progress.textContent = text;
}

async function api(method, url, body, what) {
  if (what) startProgress(what);
  try {
    const response = await fetch(url, {
      method,
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: body ? JSON.stringify(body) : undefined,
      credentials: "same-origin",
    });
    const data = await response.json().catch(() => ({ message: response.statusText }));
    return { status: response.status, data };
  } finally {
    if (what) stopProgress();
  }
}

function problemBox(data, status) {
  const box = el("div", { class: "problem", role: "alert" });
  if (status === 409) {
    box.append(el("p", { text: "Planen har ändrats sedan sidan laddades. Inget ändrades." }),
      el("button", { type: "button", class: "reload", text: "Ladda om sidan" }));
    box.querySelector("button").addEventListener("click", () => location.reload());
    return box;
  }
  box.append(el("p", { text: status === 200 ? "Ändringen går inte:" : "Det gick inte:" }));
  const lines = (data.problems && data.problems.length) ? data.problems : [data.message];
  const list = el("ul");
  for (const line of lines) list.append(el("li", { text: line }));
  box.append(list);
  return box;
}

// -- Filters ----------------------------------------------------------------------------------

const groupFilter = document.getElementById("filter-group");
const personFilter = document.getElementById("filter-person");

function applyFilters() {
  const group = groupFilter.value;
  const person = personFilter.value;
  for (const row of document.querySelectorAll("table.grid tbody tr[data-group]")) {
    row.hidden = Boolean(group) && row.dataset.group !== group;
  }
  for (const chip of document.querySelectorAll("table.grid button.meeting")) {
    const people = chip.dataset.people.split(" ");
    chip.classList.toggle("dimmed", Boolean(person) && !people.includes(person));
  }
  for (const row of document.querySelectorAll("table.list tbody tr")) {
    const people = row.dataset.people.split(" ");
    row.hidden = (Boolean(group) && row.dataset.group !== group) ||
      (Boolean(person) && !people.includes(person));
  }
}

if (groupFilter) {
  groupFilter.addEventListener("change", applyFilters);
  personFilter.addEventListener("change", applyFilters);
}

// -- The meeting panel ------------------------------------------------------------------------

const panel = document.getElementById("panel");
const panelBody = document.getElementById("panel-body");
const panelTitle = document.getElementById("panel-title");
const optionsBox = document.getElementById("options");
let opener = null;

function openPanel(title, ...content) {
  clearHighlights();
  panelTitle.textContent = title;
  panelBody.replaceChildren(...content);
  optionsBox.replaceChildren();
  panel.hidden = false;
  document.body.classList.add("panel-open");
  panel.focus();
}

function closePanel() {
  panel.hidden = true;
  document.body.classList.remove("panel-open");
  clearHighlights();
  if (opener) opener.focus();
}

function fact(label, value) {
  if (!value) return null;
  return el("div", {}, el("dt", { text: label }), el("dd", { text: value }));
}

function showMeeting(id, button) {
  const m = byId.get(id);
  if (!m) return;
  opener = button || opener;
  const chair = m.chair ? (m.deputy ? `${m.chair} (vice ordförande, i stället för ${m.regular_chair})`
    : m.chair) : "";
  const facts = el("dl", { class: "facts" },
    fact("Grupp", `${m.group} – ${m.group_name}`),
    fact("Datum", `${swedishDate(m.date)}, vecka ${m.week}`),
    fact("Tid", `${m.time}–${m.end_time}`),
    fact("Ordförande", chair),
    fact("Kallelse", m.notice ? swedishDate(m.notice) : ""),
    fact("Bereder", m.prepares_text.join(", ")),
    fact("Dagordning", m.agenda.join("; ")),
    fact("Plats", m.location),
    fact("Avsteg", m.bends.join("; ")),
    fact("Obs", [m.note, m.restart, m.firm ? "Gruppens datum är fasta (beslutad sammanträdesplan)." : ""]
      .filter(Boolean).join(" ")),
    fact("Status", m.status === "held" ? "hållet" : "planerat"));
  const why = el("button", { type: "button", class: "why", text: "Varför ligger mötet här?" });
  why.addEventListener("click", () => explainMeeting(m.id));
  const content = [facts, el("p", {}, why), el("div", { id: "explanation", "aria-live": "polite" })];
  if (m.status !== "held") content.push(moveForm(m));
  openPanel(`${m.id}`, ...content);
}

function moveForm(m, day) {
  const form = el("form", { class: "move", "aria-label": `Flytta eller ställ in ${m.id}` },
    el("h3", { text: "Flytta eller ställ in" }),
    el("label", {}, "Nytt datum ", el("input", { type: "date", name: "date", required: true,
      value: day || m.date, min: plan.as_of || plan.period.start, max: plan.period.end })),
    el("label", {}, "Tid ", el("input", { type: "time", name: "time", value: m.time, step: 900 })),
    el("button", { type: "submit", text: "Visa alternativ för flytten" }),
    el("button", { type: "button", class: "cancel-meeting", text: "Ställ in mötet …" }));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const body = { kind: "move", meeting: m.id, date: form.date.value, time: form.time.value };
    propose(body, "/api/changes", optionsBox);
  });
  form.querySelector(".cancel-meeting").addEventListener("click", () => {
    propose({ kind: "cancel", meeting: m.id }, "/api/changes", optionsBox);
  });
  return form;
}

function addForm(group) {
  const name = plan.groups.find((g) => g.id === group);
  const form = el("form", { class: "move", "aria-label": `Lägg till möte för ${group}` },
    el("label", {}, "Datum ", el("input", { type: "date", name: "date", required: true,
      min: plan.as_of || plan.period.start, max: plan.period.end })),
    el("label", {}, "Tid ", el("input", { type: "time", name: "time", step: 900 })),
    el("button", { type: "submit", text: "Visa alternativ" }));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const body = { kind: "add", group, date: form.date.value, time: form.time.value };
    propose(body, "/api/changes", optionsBox);
  });
  openPanel(`Nytt möte: ${group} – ${name ? name.name : ""}`, form);
}

async function explainMeeting(id) {
  // The rules first (no solving: at once), then the other days (re-plans: may take a while).
  const target = document.getElementById("explanation");
  target.replaceChildren(el("p", { text: "Räknar …" }));
  const url = `/api/meetings/${encodeURIComponent(id)}/explain`;
  const first = await api("GET", url + "?days=0", null, `Förklarar ${id}`);
  if (first.status !== 200) { target.replaceChildren(problemBox(first.data, first.status)); return; }
  const rules = el("ul", { class: "rules" });
  for (const rule of first.data.rules) {
    rules.append(el("li", {}, el("span", { class: "kind", text: RULE_KINDS[rule.kind] || rule.kind }), " ",
      rule.text, rule.where ? el("span", { class: "where", text: ` [${rule.where}]` }) : null));
  }
  const history = el("ul", { class: "history-lines" });
  for (const line of first.data.history) history.append(el("li", { text: line }));
  const daysBox = el("div", { class: "days", "aria-live": "polite" },
    el("p", { text: "Räknar på andra dagar (varje dag som kräver att andra möten flyttas planeras om) …" }));
  target.replaceChildren(el("h3", { text: "Regler som binder mötet" }), rules,
    el("h3", { text: "Andra dagar" }), daysBox, el("h3", { text: "Har det flyttats?" }), history);
  const full = await api("GET", url, null, `Räknar på andra dagar för ${id}`);
  if (full.status !== 200) { daysBox.replaceChildren(problemBox(full.data, full.status)); return; }
  daysBox.replaceChildren(alternativesTable(full.data));
}

function alternativesTable(data) {
  if (!data.alternatives.length) return el("p", { text: "Inga andra dagar: ett fast datum, eller redan hållet." });
  const days = el("table", { class: "alternatives" },
    el("caption", { text: `Andra dagar (planens mål ${data.objective} som publicerad; lägre är bättre)` }),
    el("thead", {}, el("tr", {}, el("th", { scope: "col", text: "Dag" }),
      el("th", { scope: "col", text: "Hur" }), el("th", { scope: "col", text: "Kostnad" }),
      el("th", { scope: "col", text: "Varför" }))));
  const tbody = el("tbody");
  for (const alt of data.alternatives) {
    const cost = alt.cost !== null ? (alt.cost >= 0 ? `+${alt.cost}` : `${alt.cost}`)
      : alt.verdict_text;
    const reasons = [...alt.forbidden.map((r) => r.text + (r.where ? ` [${r.where}]` : "")),
      ...Object.entries(alt.change).map(([goal, value]) =>
        `${GOALS[goal] || goal} ${value > 0 ? "+" : ""}${value}`),
      ...alt.moves, alt.note].filter(Boolean);
    tbody.append(el("tr", { class: alt.verdict },
      el("td", { text: `${shortDate(alt.date)}${alt.time ? " " + alt.time : ""}` }),
      el("td", { text: alt.why }), el("td", { text: cost }),
      el("td", { text: reasons.join("; ") })));
  }
  days.append(tbody);
  return days;
}

// -- Options of a change ----------------------------------------------------------------------

function clearHighlights() {
  for (const chip of document.querySelectorAll(".meeting.moved, .meeting.removed")) {
    chip.classList.remove("moved", "removed");
  }
  for (const ghost of document.querySelectorAll(".ghost")) ghost.remove();
}

function highlight(option) {
  clearHighlights();
  for (const move of option.moves) {
    const chip = document.querySelector(`table.grid button.meeting[data-id="${CSS.escape(move.meeting)}"]`);
    if (chip) chip.classList.add(move.to ? "moved" : "removed");
    if (move.to) {
      const cell = document.querySelector(
        `table.grid td[data-group="${CSS.escape(move.group)}"][data-month="${move.to.slice(0, 7)}"]`);
      if (cell) {
        cell.append(el("span", { class: "ghost", title: `${move.meeting} → ${when(move.to)}`,
          text: `${Number(move.to.slice(8, 10))}` }));
      }
    }
  }
}

async function propose(body, url, target) {
  body.version = plan.version;
  target.replaceChildren();
  const answer = await api("POST", url, body, "Räknar på ändringen");
  const status = answer.status;
  let data = answer.data;
  if (status !== 200 || data.status !== "choose") {
    if (data.status === "refused") data = { message: data.message || data.refusal };
    target.replaceChildren(problemBox(data, status));
    return;
  }
  const list = el("div", { class: "option-list" },
    el("h3", { text: `Så här kan ändringen göras: ${data.label}` }));
  data.options.forEach((option, index) =>
    list.append(optionCard(option, index + 1, body, url, target, data.label)));
  const cancel = el("button", { type: "button", class: "secondary", text: "Avbryt, ändra inget" });
  cancel.addEventListener("click", () => { clearHighlights(); target.replaceChildren(); });
  list.append(cancel);
  target.replaceChildren(list);
  if (data.options.length) highlight(data.options[0]);
}

function optionCard(option, number, body, url, target, label) {
  const rows = el("tbody");
  for (const move of option.moves) {
    const kind = move.to ? (move.from ? "moved" : "added") : "removed";
    rows.append(el("tr", { class: kind },
      el("td", { text: move.meeting }), el("td", { text: when(move.from) }),
      el("td", { text: move.to ? when(move.to) : "inställt" }),
      el("td", { text: move.asked ? "din ändring" : "följer med" })));
  }
  const table = el("table", { class: "moves" },
    el("caption", { text: `${option.other_moves} andra möte(n) flyttas, sammanlagt ${option.shift_days} dagar` }),
    el("thead", {}, el("tr", {}, el("th", { scope: "col", text: "Möte" }),
      el("th", { scope: "col", text: "Från" }), el("th", { scope: "col", text: "Till" }),
      el("th", { scope: "col", text: "Varför" }))), rows);
  if (!option.moves.length) rows.append(el("tr", {}, el("td", { colspan: 4, text: "Inga möten flyttas." })));
  const bends = option.bends.length
    ? el("ul", { class: "bends" }, ...option.bends.map((b) =>
      el("li", {}, el("strong", { text: "Avsteg: " }), b.words || b.rule,
        b.line ? el("span", { class: "where", text: ` [${b.line}]` }) : null)))
    : el("p", { text: "Alla regler hålls." });
  const notify = option.notify.length
    ? el("details", { class: "notify" },
      el("summary", { text: `Meddela ${option.notify.length} person(er)` }),
      el("p", { text: option.notify.join(", ") }))
    : el("p", { class: "notify", text: "Ingen behöver meddelas." });
  const summary = el("details", {}, el("summary", { text: "Texten att skicka vidare" }),
    el("pre", { class: "summary", text: option.summary }));
  const apply = el("button", { type: "button", class: "apply", text: `Genomför alternativ ${number}` });
  apply.addEventListener("click", async () => {
    const { status, data } = await api("POST", url + "/apply", { ...body, option: option.id },
      "Genomför ändringen");
    if (status === 200 && data.status === "applied") {
      sessionStorage.setItem("cadence-done", `Genomfört: ${label} (version ${data.version}).` +
        " Flödena är uppdaterade; Ångra finns under Historik.");
      location.hash = "";
      location.reload();
    } else {
      target.replaceChildren(problemBox(data, status));
    }
  });
  const title = option.bends.length ? "med avsteg" : "alla regler hålls";
  const card = el("section", { class: "option", "aria-label": `Alternativ ${number}: ${title}` },
    el("h4", { text: `Alternativ ${number}: ${title}` }), table, bends, notify, summary, apply);
  card.addEventListener("mouseenter", () => highlight(option));
  card.addEventListener("focusin", () => highlight(option));
  return card;
}

// -- Grid: click, keyboard, drag and drop -----------------------------------------------------

function sameWeekdayIn(month, from) {
  // The same weekday, the same week of the month (the 2nd Tuesday stays a 2nd Tuesday).
  const old = new Date(from + "T12:00:00");
  const nth = Math.floor((old.getDate() - 1) / 7);
  const [year, mon] = month.split("-").map(Number);
  const first = new Date(year, mon - 1, 1, 12);
  let day = 1 + ((old.getDay() - first.getDay() + 7) % 7) + 7 * nth;
  const last = new Date(year, mon, 0, 12).getDate();
  while (day > last) day -= 7;
  return `${month}-${String(day).padStart(2, "0")}`;
}

document.addEventListener("click", (event) => {
  const chip = event.target.closest("button.meeting");
  if (chip) { showMeeting(chip.dataset.id, chip); return; }
  const open = event.target.closest("button[data-open]");
  if (open) { showMeeting(open.dataset.open, open); return; }
  const add = event.target.closest("button.add");
  if (add) { opener = add; addForm(add.dataset.group); }
});

document.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && panel && !panel.hidden) closePanel();
});

const closeButton = document.getElementById("panel-close");
if (closeButton) closeButton.addEventListener("click", closePanel);

let dragged = null;
document.addEventListener("dragstart", (event) => {
  const chip = event.target.closest && event.target.closest("button.meeting[draggable]");
  if (!chip) return;
  dragged = chip.dataset.id;
  event.dataTransfer.setData("text/plain", dragged);
  event.dataTransfer.effectAllowed = "move";
});
document.addEventListener("dragover", (event) => {
  const cell = event.target.closest && event.target.closest("table.grid td[data-month]");
  if (cell && dragged && byId.get(dragged).group === cell.dataset.group) {
    event.preventDefault();
    cell.classList.add("drop");
  }
});
document.addEventListener("dragleave", (event) => {
  const cell = event.target.closest && event.target.closest("td.drop");
  if (cell) cell.classList.remove("drop");
});
document.addEventListener("drop", (event) => {
  const cell = event.target.closest && event.target.closest("table.grid td[data-month]");
  if (!cell || !dragged) return;
  event.preventDefault();
  cell.classList.remove("drop");
  const m = byId.get(dragged);
  dragged = null;
  if (!m || m.group !== cell.dataset.group) return;
  opener = document.querySelector(`button.meeting[data-id="${CSS.escape(m.id)}"]`);
  if (cell.dataset.month === m.date.slice(0, 7)) {  // the same month: pick the day by hand
    showMeeting(m.id, opener);
    return;
  }
  const day = sameWeekdayIn(cell.dataset.month, m.date);
  openPanel(`Flytta ${m.id}`, el("p", { text: `Från ${when(m.start)} till ${swedishDate(day)}?` +
    " Ändra datumet om du vill, och välj sedan ett alternativ." }), moveForm(m, day));
  propose({ kind: "move", meeting: m.id, date: day, time: m.time }, "/api/changes", optionsBox);
});

// -- Undo, the report, the scenario forms -----------------------------------------------------

const undoButton = document.getElementById("undo");
if (undoButton) {
  undoButton.addEventListener("click", async () => {
    const { status, data } = await api("POST", "/api/undo", { version: plan.version }, "Ångrar");
    if (status === 200) {
      sessionStorage.setItem("cadence-done", `Ångrat: planen är som i version ${data.version}.`);
      location.reload();
    }
    else undoButton.after(problemBox(data, status));
  });
}

const announceButton = document.getElementById("announce");
if (announceButton) {
  announceButton.addEventListener("click", async () => {
    const { status, data } = await api("POST", "/api/announce", { version: plan.version });
    if (status === 200) location.reload();
    else announceButton.after(problemBox(data, status));
  });
}

const copyReport = document.getElementById("copy-report");
if (copyReport) {
  copyReport.addEventListener("click", () => {
    const area = document.getElementById("report");
    area.select();
    const done = () => { copyReport.textContent = "Kopierad"; };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(area.value).then(done, () => { document.execCommand("copy"); done(); });
    } else { document.execCommand("copy"); done(); }
  });
}

for (const form of document.querySelectorAll("form.edit")) {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const body = { kind: form.dataset.kind };
    for (const field of form.elements) if (field.name) body[field.name] = field.value;
    propose(body, "/api/edits", document.getElementById("edit-result"));
  });
}

// -- After a reload: say what was done (the status region is read out) --------------------------

const done = sessionStorage.getItem("cadence-done");
if (done && progress) {
  sessionStorage.removeItem("cadence-done");
  setTimeout(() => { progress.textContent = done; progress.classList.add("done"); }, 300);
}

// -- Planning a folder that has no plan yet ---------------------------------------------------

if (document.body.dataset.planning === "yes") {
  const started = Date.now();
  setInterval(async () => {
    const status = await (await fetch("/api/status")).json();
    const seconds = Math.round((Date.now() - started) / 1000);
    if (status.error) { progress.textContent = `Det gick inte: ${status.error}`; return; }
    if (!status.busy) { location.reload(); return; }
    progress.textContent = `${status.phase} … ${seconds} s` + (status.best ? ` (${status.best})` : "");
  }, 800);
}
