// The mockserver dashboard: views of calls, requests, callbacks, resources, scenarios, faults, tenants
// and credentials, each at its own address (#/calls/<id>, #/requests?filter=…), kept current by the
// server's event stream (GET {base}/ui/stream: a "snapshot", then "calls" batches, "clock" moves and
// "activity" counters). Plain DOM in ES modules, no framework, no build step.

import { $, api, dateOf, timeOf } from "./dom.js";
import { clearCalls, onCalls, onOlder, onSnapshot, view as calls } from "./calls.js";
import { view as requests } from "./requests.js";
import { view as callbacks } from "./callbacks.js";
import { credentialsView, resourcesView } from "./resources.js";
import { view as scenarios } from "./scenarios.js";
import { view as faults } from "./faults.js";
import { view as tenants } from "./tenants.js";
import { go, route } from "./router.js";

const views = Object.fromEntries(
  [calls, requests, callbacks, resourcesView, scenarios, faults, tenants, credentialsView].map((v) => [v.name, v]),
);
let current = null;
let activity = null; // the latest counters from the stream

// -- the views -------------------------------------------------------------------------------
function showRoute() {
  const where = route();
  for (const panel of document.querySelectorAll("[data-view]")) panel.hidden = panel.dataset.view !== where.view;
  for (const link of document.querySelectorAll("nav.views a")) {
    if (link.dataset.nav === where.view) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  const label = document.querySelector(`nav.views a[data-nav="${where.view}"]`).textContent;
  const tenant = document.body.dataset.tenant;
  document.title = `${label} · ${tenant ? `tenant ${tenant} · ` : ""}mockserver dashboard`;
  current = views[where.view];
  current.show(where);
}

window.addEventListener("hashchange", showRoute);

// -- the clock and the buttons of the bar ----------------------------------------------------------
function showClock(clock) {
  $("clock-date").textContent = dateOf(clock.now);
  $("clock-now").textContent = timeOf(clock.now);
  $("clock-now").setAttribute("datetime", clock.now);
  $("clock-now").title = clock.now;
  $("clock-mode").textContent = clock.mode;
  $("clock-controls").hidden = clock.mode !== "virtual";
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
      const answer = await api("POST", "/clock/advance", { seconds: Number(button.dataset.advance) });
      showClock(answer.clock);
    }),
  );
}

// A tenant's dashboard ({root}/tenants/<id>/ui): says whose it is; its Reset resets that tenant only.
if (document.body.dataset.tenant) {
  $("tenant-name").textContent = document.body.dataset.tenant;
  $("tenant-badge").hidden = false;
  $("reset").textContent = "Reset tenant";
}

$("reset").addEventListener("click", (event) =>
  busy(event.currentTarget, async () => {
    const answer = await api("POST", "/reset");
    clearCalls();
    showClock(answer.clock);
    if (route().view === "calls" && route().id !== null) go("#/calls");
    else current.refresh();
  }),
);

// -- the event stream ---------------------------------------------------------------------------
function setConnection(text, kind) {
  $("connection").textContent = text;
  $("connection").className = `connection ${kind}`;
}

function heard(next) {
  const before = activity;
  activity = next;
  if (before && JSON.stringify(before) !== JSON.stringify(next)) current.onActivity(next, before);
}

function connect() {
  const source = new EventSource(`${document.body.dataset.base}/ui/stream`);
  source.addEventListener("open", () => setConnection("live", "live"));
  source.addEventListener("error", () => setConnection("reconnecting…", "down"));
  source.addEventListener("snapshot", (event) => {
    const data = JSON.parse(event.data);
    onSnapshot(data);
    showClock(data.clock);
    setConnection("live", "live");
    const first = activity === null;
    activity = data.activity;
    if (!first) current.refresh(); // a reset or restore: what the open view shows is gone
    if (!document.body.dataset.ready) performance.mark("dashboard-snapshot-shown");
    document.body.dataset.ready = "true"; // for tests and the benchmark: a snapshot is on screen
  });
  source.addEventListener("calls", (event) => {
    const data = JSON.parse(event.data);
    onCalls(data);
    showClock(data.clock);
    heard(data.activity);
  });
  source.addEventListener("older", (event) => onOlder(JSON.parse(event.data)));
  source.addEventListener("clock", (event) => showClock(JSON.parse(event.data)));
  source.addEventListener("activity", (event) => heard(JSON.parse(event.data)));
}

showRoute();
connect();
