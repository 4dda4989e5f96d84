// The mockserver dashboard: a table of calls kept current by the server's event stream
// (GET {base}/ui/stream: a "snapshot", then "calls" batches and "clock" moves), and the details of one
// call (GET {base}/ui/calls/{id}). Plain DOM, no framework, no build step.
"use strict";

const BASE = document.body.dataset.base;
// The table shows at most this many rows (newest first); the filter narrows the rest down.
const ROW_LIMIT = 200;

const calls = new Map(); // id -> call row, as the server sent it
let order = []; // ids in creation order
const rowsById = new Map(); // id -> <tr> currently in the table
let selected = null;
let renderQueued = false;
let olderToCome = 0; // calls the snapshot still has to send (its "older" events)

const $ = (id) => document.getElementById(id);
const tbody = document.querySelector("#calls tbody");

// -- small DOM helpers ------------------------------------------------------------------------
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

function timeOf(iso) {
  // "2026-01-01T09:00:07.500000Z" -> "09:00:07.5"
  if (!iso) return "";
  const match = /T(\d\d:\d\d:\d\d)(\.\d+)?/.exec(iso);
  if (!match) return iso;
  const fraction = match[2] ? match[2].replace(/0+$/, "") : "";
  return match[1] + (fraction === "." ? "" : fraction);
}

function timeEl(iso) {
  return el("time", { datetime: iso, title: iso }, timeOf(iso));
}

function badge(state) {
  return el("span", { class: `badge state-${state}` }, state.replace("_", " "));
}

// -- the table ------------------------------------------------------------------------------
function indexed(call) {
  // what the filter searches, made once per update rather than once per keystroke
  call.text = `${call.provider} ${call.provider_call_id} ${call.id} ${call.from} ${call.to} ${call.state} ${call.scenario}`.toLowerCase();
  return call;
}

function upsert(call) {
  if (!calls.has(call.id)) order.push(call.id);
  calls.set(call.id, indexed(call));
}

function matches(call, terms) {
  return terms.every((term) => call.text.includes(term));
}

function visibleCalls() {
  const terms = $("filter").value.toLowerCase().split(/\s+/).filter(Boolean);
  const shown = [];
  let matching = 0;
  for (let i = order.length - 1; i >= 0; i--) {
    const call = calls.get(order[i]);
    if (matches(call, terms)) {
      matching++;
      if (shown.length < ROW_LIMIT) shown.push(call);
    }
  }
  return { shown, matching, filtered: terms.length > 0 };
}

function fillRow(row, call) {
  row.replaceChildren(
    el("td", { class: "number" }, timeEl(call.created_at)),
    el("td", {}, call.provider),
    el("td", { class: "number" }, call.from),
    el("td", { class: "number" }, call.to),
    el("td", {}, badge(call.state)),
    el("td", {}, call.scenario),
    el("td", { class: "call" },
      el("button", { type: "button", title: call.provider_call_id, "aria-label": `Details of call ${call.provider_call_id}` },
        call.provider_call_id)),
  );
  row.dataset.state = call.state;
  row.shown = call;
}

function makeRow(call) {
  const row = el("tr", { "data-call-id": call.id });
  fillRow(row, call);
  return row;
}

function render() {
  renderQueued = false;
  const { shown, matching, filtered } = visibleCalls();
  const keep = new Set(shown.map((c) => c.id));
  for (const [id, row] of rowsById) {
    if (!keep.has(id)) {
      row.remove();
      rowsById.delete(id);
    }
  }
  let cursor = tbody.firstElementChild;
  for (const call of shown) {
    let row = rowsById.get(call.id);
    if (!row) {
      row = makeRow(call);
      rowsById.set(call.id, row);
    } else if (row.shown !== call) {
      fillRow(row, call);
    }
    row.setAttribute("aria-current", call.id === selected ? "true" : "false");
    if (row !== cursor) tbody.insertBefore(row, cursor);
    else cursor = cursor.nextElementSibling;
  }
  const total = calls.size;
  $("empty").hidden = total > 0;
  $("more").hidden = shown.length >= matching;
  $("count").textContent = countText(shown.length, matching, total, filtered);
}

function countText(shown, matching, total, filtered) {
  const n = (x) => x.toLocaleString("en-US");
  if (olderToCome > 0) return `${n(total)} calls, loading ${n(olderToCome)} older…`;
  if (total === 0) return "no calls yet";
  const of = filtered ? `${n(matching)} matching of ${n(total)} calls` : `${n(total)} calls`;
  return shown < matching ? `newest ${n(shown)} of ${of}` : filtered ? of : `${n(total)} ${total === 1 ? "call" : "calls"}`;
}

function scheduleRender() {
  if (!renderQueued) {
    renderQueued = true;
    requestAnimationFrame(render);
  }
}

// -- the clock --------------------------------------------------------------------------------
function showClock(clock) {
  $("clock-now").textContent = timeOf(clock.now);
  $("clock-now").setAttribute("datetime", clock.now);
  $("clock-now").title = clock.now;
  $("clock-mode").textContent = clock.mode;
  $("clock-controls").hidden = clock.mode !== "virtual";
}

async function post(path, body) {
  const response = await fetch(BASE + path, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: body === undefined ? "" : JSON.stringify(body),
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.error ? data.error.message : `HTTP ${response.status}`);
  return data;
}

async function busy(button, work) {
  button.disabled = true;
  try {
    await work();
  } catch (error) {
    setConnection(`error: ${error.message}`, "down");
  } finally {
    button.disabled = false;
  }
}

for (const button of document.querySelectorAll("[data-advance]")) {
  button.addEventListener("click", () =>
    busy(button, async () => {
      const answer = await post("/clock/advance", { seconds: Number(button.dataset.advance) });
      showClock(answer.clock);
    }),
  );
}

$("reset").addEventListener("click", (event) =>
  busy(event.currentTarget, async () => {
    const answer = await post("/reset");
    calls.clear();
    order = [];
    olderToCome = 0;
    select(null);
    showClock(answer.clock);
    render();
  }),
);

// -- one call's details -------------------------------------------------------------------------
let detailsLoading = false;
let detailsStale = false;

function select(id) {
  selected = id;
  for (const [rowId, row] of rowsById) row.setAttribute("aria-current", rowId === id ? "true" : "false");
  if (id === null) {
    $("details-title").textContent = "Call details";
    $("details-hint").hidden = false;
    $("details-body").hidden = true;
    $("details-body").replaceChildren();
    return;
  }
  loadDetails();
}

async function loadDetails() {
  if (detailsLoading) {
    detailsStale = true;
    return;
  }
  detailsLoading = true;
  const id = selected;
  try {
    const response = await fetch(`${BASE}/ui/calls/${encodeURIComponent(id)}`);
    if (id === selected) {
      if (response.ok) showDetails(await response.json());
      else select(null);
    }
  } finally {
    detailsLoading = false;
    if (detailsStale && selected !== null) {
      detailsStale = false;
      loadDetails();
    }
  }
}

function showDetails({ call, callbacks, requests, flow_errors: flowErrors }) {
  $("details-title").textContent = `Call ${call.provider_call_id}`;
  $("details-hint").hidden = true;
  const facts = [
    ["Provider", call.provider],
    ["From", call.from],
    ["To", call.to],
    ["State", badge(call.state)],
    ["Scenario", call.scenario],
    ["Direction", call.direction],
    ["Neutral id", el("code", {}, call.id)],
    ["Answered by", call.answered_by],
    ["Ended by", call.ended_by],
    ["Duration", call.ended_at ? `${call.duration} s` : null],
    ["Price", call.ended_at ? call.price : null],
    ["Digits", call.digits || null],
    ["Recording", call.recording ? `${call.recording.seconds} s, ready ${timeOf(call.recording.created_at)}` : null],
  ].filter(([, value]) => value !== null && value !== undefined);
  $("details-body").replaceChildren(
    el("dl", {}, facts.map(([name, value]) => [el("dt", {}, name), el("dd", {}, value)])),
    el("h3", { id: "timeline-title" }, "Timeline"),
    el("ol", { class: "timeline", "aria-labelledby": "timeline-title" },
      call.history.map((t) => el("li", {}, timeEl(t.at), badge(t.state), el("span", { class: "cause" }, t.cause)))),
    el("h3", { id: "callbacks-title" }, `Callbacks (${callbacks.length})`),
    list(callbacks, "callbacks-title", "No callbacks caused (yet).", callbackItem),
    el("h3", { id: "requests-title" }, `Requests naming this call (${requests.length})`),
    list(requests, "requests-title", "No API requests named this call.", requestItem),
    el("h3", { id: "errors-title" }, `Flow errors (${flowErrors.length})`),
    list(flowErrors, "errors-title", "None.", (e) => el("li", {}, timeEl(e.at), " ", el("span", { class: "bad" }, e.detail))),
  );
  $("details-body").hidden = false;
}

function list(items, labelledBy, none, item) {
  if (items.length === 0) return el("p", { class: "none" }, none);
  return el("ul", { class: "entries", "aria-labelledby": labelledBy }, items.map(item));
}

function callbackItem(delivery) {
  const state = delivery.delivered ? el("span", { class: "ok" }, "delivered")
    : delivery.next_attempt_at ? el("span", { class: "bad" }, `retry at ${timeOf(delivery.next_attempt_at)}`)
    : delivery.attempts.length ? el("span", { class: "bad" }, "not delivered")
    : el("span", { class: "muted" }, "pending");
  const status = new URLSearchParams(delivery.body).get("status") || delivery.params.status;
  return el("li", {},
    el("div", { class: "head" },
      timeEl(delivery.created_at), el("strong", {}, delivery.kind), status ? badge(status) : null,
      el("code", {}, delivery.method), el("code", { class: "url" }, delivery.url), state),
    el("ol", { class: "attempts", "aria-label": "attempts" },
      delivery.attempts.map((a) => el("li", {}, timeOf(a.at), " — ",
        a.status !== undefined ? el("span", { class: a.status < 300 ? "ok" : "bad" }, `HTTP ${a.status}`)
          : el("span", { class: "bad" }, a.error),
        ` (${a.elapsed_ms} ms)`))));
}

function requestItem(entry) {
  return el("li", {},
    el("div", { class: "head" },
      timeEl(entry.at), el("code", {}, entry.method),
      el("code", { class: "url" }, entry.path + (entry.query ? `?${entry.query}` : "")),
      el("span", { class: entry.status < 400 ? "ok" : "bad" }, entry.status)));
}

$("filter").addEventListener("input", scheduleRender);

tbody.addEventListener("click", (event) => {
  const row = event.target.closest("tr[data-call-id]");
  if (row) select(row.dataset.callId);
});

// -- the event stream ---------------------------------------------------------------------------
function setConnection(text, kind) {
  $("connection").textContent = text;
  $("connection").className = `connection ${kind}`;
}

function connect() {
  const source = new EventSource(`${BASE}/ui/stream`);
  source.addEventListener("open", () => setConnection("live", "live"));
  source.addEventListener("error", () => setConnection("reconnecting…", "down"));
  source.addEventListener("snapshot", (event) => {
    const data = JSON.parse(event.data);
    calls.clear();
    order = [];
    for (const call of data.calls) upsert(call);
    olderToCome = data.remaining;
    showClock(data.clock);
    setConnection("live", "live");
    if (selected !== null) loadDetails(); // deselects the call if it is gone
    render();
    if (!document.body.dataset.ready) performance.mark("dashboard-snapshot-shown");
    document.body.dataset.ready = "true"; // for tests and the benchmark: a snapshot is on screen
  });
  source.addEventListener("calls", (event) => {
    const data = JSON.parse(event.data);
    for (const call of data.calls) upsert(call);
    showClock(data.clock);
    if (selected !== null && data.calls.some((c) => c.id === selected)) loadDetails();
    scheduleRender();
  });
  source.addEventListener("older", (event) => {
    const data = JSON.parse(event.data);
    const older = data.calls.filter((call) => !calls.has(call.id));
    for (const call of older) calls.set(call.id, indexed(call));
    order = older.map((call) => call.id).concat(order);
    olderToCome = data.remaining;
    if (olderToCome === 0) performance.mark("dashboard-all-calls-loaded");
    scheduleRender();
  });
  source.addEventListener("clock", (event) => showClock(JSON.parse(event.data)));
}

connect();
