// The request journal (#/requests, #/requests/<seq>?filter=…): every provider API request the server
// answered, newest first, with its headers and body one click away (GET {base}/requests).

import { $, api, countText, el, headerList, loader, newestMatching, prettyBody, showError, termsOf, timeEl } from "./dom.js";
import { go, hashOf, replace } from "./router.js";

let entries = []; // oldest first, as the journal has them
let dropped = 0;
let open = null; // the seq whose details are shown
const tbody = document.querySelector("#requests tbody");

function statusEl(status) {
  return el("span", { class: status < 400 ? "ok" : "bad" }, status);
}

function target(entry) {
  return entry.path + (entry.query ? `?${entry.query}` : "");
}

// One request as an item of a call's details, linking to it in the journal.
export function requestItem(entry) {
  return el("li", {},
    el("div", { class: "head" },
      timeEl(entry.at), el("code", {}, entry.method),
      el("a", { class: "url mono", href: hashOf("requests", entry.seq) }, target(entry)),
      statusEl(entry.status)));
}

function row(entry) {
  const expanded = String(entry.seq) === open;
  const button = el("button", {
    type: "button", class: "link", "aria-expanded": expanded ? "true" : "false",
    "aria-label": `Request ${entry.seq}: ${entry.method} ${entry.path}`,
  }, target(entry));
  const main = el("tr", { "data-seq": entry.seq, "aria-current": expanded ? "true" : "false" },
    el("td", { class: "number" }, timeEl(entry.at)),
    el("td", {}, entry.provider),
    el("td", {}, el("code", {}, entry.method)),
    el("td", { class: "target" }, button),
    el("td", {}, statusEl(entry.status)),
    el("td", { class: "muted" }, entry.body ? `${entry.body.length.toLocaleString("en-US")} chars` : "—"));
  if (!expanded) return [main];
  return [main, el("tr", { class: "expanded" }, el("td", { colspan: 6 }, details(entry)))];
}

function details(entry) {
  const type = (entry.headers || {})["content-type"] || "";
  return el("div", { class: "item-details", id: `request-${entry.seq}` },
    el("dl", { class: "facts" },
      el("dt", {}, "Request"), el("dd", {}, el("code", {}, `${entry.method} ${target(entry)}`)),
      el("dt", {}, "Answered"), el("dd", {}, statusEl(entry.status)),
      el("dt", {}, "At"), el("dd", {}, timeEl(entry.at)),
      entry.call_id ? [el("dt", {}, "Call"), el("dd", {}, el("a", { href: hashOf("calls", entry.call_id) }, entry.call_id))] : null,
      el("dt", {}, "Link"), el("dd", {}, el("a", { href: hashOf("requests", entry.seq) }, `request ${entry.seq}`))),
    el("h3", {}, "Headers"),
    headerList(entry.headers),
    el("h3", {}, "Body"),
    entry.body ? el("pre", { class: "body" }, prettyBody(entry.body, type)) : el("p", { class: "none" }, "No body."));
}

function render() {
  const terms = termsOf($("requests-filter").value);
  const { shown, matching } = newestMatching(entries, terms, (e) => e.text);
  tbody.replaceChildren(...shown.flatMap(row));
  $("requests-empty").hidden = entries.length > 0;
  $("requests-count").textContent =
    countText(shown.length, matching, entries.length, terms.length > 0, "request") +
    (dropped ? ` (${dropped.toLocaleString("en-US")} older ones fell off the journal)` : "");
}

const load = loader(
  () => api("GET", "/requests"),
  (data) => {
    entries = data.requests.map((e) => Object.assign(e, {
      text: `${e.provider} ${e.method} ${e.path} ${e.query} ${e.status} ${e.body || ""}`.toLowerCase(),
    }));
    dropped = data.dropped || 0;
    showError($("requests-error"), null);
    render();
  },
  (error) => showError($("requests-error"), error),
);

$("requests-filter").addEventListener("input", () => {
  replace("requests", open, $("requests-filter").value);
  render();
});

tbody.addEventListener("click", (event) => {
  const tr = event.target.closest("tr[data-seq]");
  if (!tr) return;
  const seq = tr.dataset.seq === open ? null : tr.dataset.seq;
  go(hashOf("requests", seq, $("requests-filter").value));
});

export const view = {
  name: "requests",
  show({ id, params }) {
    open = id;
    $("requests-filter").value = params.get("filter") || "";
    render();
    load();
  },
  refresh: () => load(),
  onActivity(now, before) {
    if (!before || now.journal !== before.journal) load();
  },
};
