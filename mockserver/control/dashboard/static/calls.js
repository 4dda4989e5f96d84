// The calls view (#/calls, #/calls/<id>): a table of calls kept current by the event stream, and the
// details of one call (GET {base}/ui/calls/{id}).

import { $, BASE, ROW_LIMIT, badge, el, timeEl, timeOf } from "./dom.js";
import { deliveryItem } from "./callbacks.js";
import { requestItem } from "./requests.js";
import { go, hashOf, replace, route } from "./router.js";

const calls = new Map(); // id -> call row, as the server sent it
let order = []; // ids in creation order
const rowsById = new Map(); // id -> <tr> currently in the table
let selected = null; // what the route names: the neutral or the provider's id
let selectedId = null; // the neutral id, once the details are known
let renderQueued = false;
let olderToCome = 0; // calls the snapshot still has to send (its "older" events)
const tbody = document.querySelector("#calls tbody");

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

function isSelected(call) {
  return call.id === selectedId || call.id === selected || call.provider_call_id === selected;
}

function visibleCalls() {
  const terms = $("filter").value.toLowerCase().split(/\s+/).filter(Boolean);
  const shown = [];
  let matching = 0;
  for (let i = order.length - 1; i >= 0; i--) {
    const call = calls.get(order[i]);
    if (terms.every((term) => call.text.includes(term))) {
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
    row.setAttribute("aria-current", isSelected(call) ? "true" : "false");
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

// -- one call's details -------------------------------------------------------------------------
let detailsLoading = false;
let detailsStale = false;

function select(id) {
  if (id === selected && id !== null) return;
  selected = id;
  selectedId = null;
  for (const row of rowsById.values()) row.setAttribute("aria-current", isSelected(row.shown) ? "true" : "false");
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
      else showMissing(id);
    }
  } finally {
    detailsLoading = false;
    if (detailsStale && selected !== null) {
      detailsStale = false;
      loadDetails();
    }
  }
}

function showMissing(id) {
  selectedId = null;
  $("details-title").textContent = "Call details";
  $("details-hint").hidden = true;
  $("details-body").replaceChildren(el("p", { class: "none", role: "status" }, `No call ${id} on this server (any more).`));
  $("details-body").hidden = false;
  render();
}

function showDetails({ call, callbacks, requests, flow_errors: flowErrors }) {
  selectedId = call.id;
  render();
  $("details-title").textContent = `Call ${call.provider_call_id}`;
  $("details-hint").hidden = true;
  const facts = [
    ["Provider", call.provider],
    ["From", call.from],
    ["To", call.to],
    ["State", badge(call.state)],
    ["Scenario", call.scenario],
    ["Direction", call.direction],
    ["Created", timeEl(call.created_at)],
    ["Neutral id", el("code", {}, call.id)],
    ["Answered by", call.answered_by],
    ["Ended by", call.ended_by],
    ["Duration", call.ended_at ? `${call.duration} s` : null],
    ["Price", call.ended_at ? call.price : null],
    ["Digits", call.digits || null],
    ["Recording", call.recording ? `${call.recording.seconds} s, ready ${timeOf(call.recording.created_at)}` : null],
    ["Link", el("a", { href: hashOf("calls", call.provider_call_id) }, "link to this call")],
  ].filter(([, value]) => value !== null && value !== undefined);
  $("details-body").replaceChildren(
    el("dl", {}, facts.map(([name, value]) => [el("dt", {}, name), el("dd", {}, value)])),
    el("h3", { id: "timeline-title" }, "Timeline"),
    el("ol", { class: "timeline", "aria-labelledby": "timeline-title" },
      call.history.map((t) => el("li", {}, timeEl(t.at), badge(t.state), el("span", { class: "cause" }, t.cause)))),
    el("h3", { id: "callbacks-title" }, `Callbacks (${callbacks.length})`),
    list(callbacks, "callbacks-title", "No callbacks caused (yet).", (d) => deliveryItem(d, loadDetailsSoon)),
    el("h3", { id: "requests-title" }, `Requests naming this call (${requests.length})`),
    list(requests, "requests-title", "No API requests named this call.", requestItem),
    el("h3", { id: "errors-title" }, `Flow errors (${flowErrors.length})`),
    list(flowErrors, "errors-title", "None.", (e) => el("li", {}, timeEl(e.at), " ", el("span", { class: "bad" }, e.detail))),
  );
  $("details-body").hidden = false;
}

function loadDetailsSoon() {
  if (selected !== null) loadDetails();
}

function list(items, labelledBy, none, item) {
  if (items.length === 0) return el("p", { class: "none" }, none);
  return el("ul", { class: "entries", "aria-labelledby": labelledBy }, items.map(item));
}

// -- wiring ----------------------------------------------------------------------------------------
$("filter").addEventListener("input", () => {
  replace("calls", selected, $("filter").value);
  scheduleRender();
});

tbody.addEventListener("click", (event) => {
  const row = event.target.closest("tr[data-call-id]");
  if (row) go(hashOf("calls", row.shown.provider_call_id, $("filter").value));
});

export const view = {
  name: "calls",
  show({ id, params }) {
    const filter = params.get("filter") || "";
    if ($("filter").value !== filter) {
      $("filter").value = filter;
      scheduleRender();
    }
    select(id);
  },
  refresh() {
    if (selected !== null) loadDetails();
  },
  onActivity() {},
};

// -- what the event stream brings ------------------------------------------------------------------
export function onSnapshot(data) {
  calls.clear();
  order = [];
  for (const call of data.calls) upsert(call);
  olderToCome = data.remaining;
  if (selected !== null && route().view === "calls") loadDetails(); // says so if the call is gone
  render();
}

export function onCalls(data) {
  for (const call of data.calls) upsert(call);
  if (selected !== null && data.calls.some((c) => isSelected(c))) loadDetails();
  scheduleRender();
}

export function onOlder(data) {
  const older = data.calls.filter((call) => !calls.has(call.id));
  for (const call of older) calls.set(call.id, indexed(call));
  order = older.map((call) => call.id).concat(order);
  olderToCome = data.remaining;
  if (olderToCome === 0) performance.mark("dashboard-all-calls-loaded");
  scheduleRender();
}

export function clearCalls() {
  calls.clear();
  order = [];
  olderToCome = 0;
  render();
}
