// Callbacks (#/callbacks, #/callbacks/<id>?filter=…): every delivery the server made or is making —
// status events, webhooks, postbacks, controller fetches — with every attempt, and a Resend button
// (POST {base}/callbacks/{id}/resend). A server without that endpoint answers 404 or 405, and the page
// shows the server's message next to the button.

import { $, api, badge, countText, el, headerList, loader, newestMatching, prettyBody, showError, termsOf, timeEl } from "./dom.js";
import { go, hashOf, replace } from "./router.js";

let deliveries = []; // oldest first
let open = null; // the id whose details are shown
const outcomes = new Map(); // delivery id -> {state: "busy" | "ok" | "error", text} of its last resend
const tbody = document.querySelector("#callbacks tbody");

function reported(delivery) {
  return new URLSearchParams(delivery.body).get("status") || (delivery.params || {}).status ||
    jsonField(delivery.body, "status") || null;
}

function jsonField(body, name) {
  try {
    const data = JSON.parse(body);
    return data && typeof data === "object" && typeof data[name] === "string" ? data[name] : null;
  } catch {
    return null;
  }
}

// The delivery's state as GET {base}/callbacks names it: queued, in_flight, waiting (for next_attempt_at)
// or done (delivered, or answered finally, or out of retries).
function stateEl(delivery) {
  if (delivery.delivered) return el("span", { class: "ok" }, "delivered");
  if (delivery.state === "waiting") return el("span", { class: "bad" }, "retry at ", timeEl(delivery.next_attempt_at));
  if (delivery.state === "queued") return el("span", { class: "muted" }, "queued");
  if (delivery.state === "in_flight") return el("span", { class: "muted" }, "in flight");
  return el("span", { class: "bad" }, "not delivered");
}

// An attempt made by POST {base}/callbacks/{id}/resend carries "resend": true.
function isResend(attempt) {
  return attempt.resend === true;
}

// Why the server would refuse a resend (409), so the button says it before it is pressed.
function notResendable(delivery) {
  if (delivery.kind === "fetch") return "a controller fetch is part of the call's flow: only events resend";
  if (delivery.state !== "done") return "not finished yet: resend once it is done";
  if (delivery.body_truncated) return "only the start of its body was kept";
  return null;
}

function attemptResult(attempt) {
  return attempt.status !== undefined && attempt.status !== null
    ? el("span", { class: attempt.status < 300 ? "ok" : "bad" }, `HTTP ${attempt.status}`)
    : el("span", { class: "bad" }, attempt.error || "no answer");
}

function attemptItem(attempt) {
  return el("li", {}, timeEl(attempt.at), " — ", attemptResult(attempt), ` (${attempt.elapsed_ms} ms)`,
    isResend(attempt) ? [" ", badge("resend", "resend")] : null);
}

// -- resending -----------------------------------------------------------------------------------
async function resend(delivery, onDone) {
  outcomes.set(delivery.id, { state: "busy", text: "resending…" });
  onDone();
  try {
    await api("POST", `/callbacks/${encodeURIComponent(delivery.id)}/resend`);
    outcomes.set(delivery.id, { state: "ok", text: "resent" });
  } catch (error) {
    const status = error.status ? ` (HTTP ${error.status})` : "";
    outcomes.set(delivery.id, { state: "error", text: `Resend failed${status}: ${error.message}` });
  }
  onDone();
}

function resendControls(delivery, onDone) {
  const outcome = outcomes.get(delivery.id);
  const refused = notResendable(delivery);
  return el("span", { class: "resend-controls" },
    el("button", {
      type: "button", class: "small", disabled: (outcome && outcome.state === "busy") || refused !== null,
      title: refused,
      "aria-label": `Resend delivery ${delivery.id}`,
      onclick: (event) => {
        event.stopPropagation();
        resend(delivery, onDone);
      },
    }, "Resend"),
    outcome ? el("span", {
      class: `resend-outcome ${outcome.state === "error" ? "bad" : outcome.state === "ok" ? "ok" : "muted"}`,
      role: outcome.state === "error" ? "alert" : "status",
    }, outcome.text) : null);
}

// One delivery as an item of a call's details (with its attempts and a Resend button).
export function deliveryItem(delivery, onChange) {
  const status = reported(delivery);
  return el("li", { "data-delivery-id": delivery.id },
    el("div", { class: "head" },
      timeEl(delivery.created_at), el("strong", {}, delivery.kind), status ? badge(status) : null,
      el("code", {}, delivery.method),
      el("a", { class: "url mono", href: hashOf("callbacks", delivery.id) }, delivery.url), stateEl(delivery),
      resendControls(delivery, onChange)),
    el("ol", { class: "attempts", "aria-label": "attempts" }, delivery.attempts.map(attemptItem)));
}

// -- the view ------------------------------------------------------------------------------------
function row(delivery) {
  const expanded = delivery.id === open;
  const status = reported(delivery);
  const main = el("tr", { "data-delivery-id": delivery.id, "aria-current": expanded ? "true" : "false" },
    el("td", { class: "number" }, timeEl(delivery.created_at)),
    el("td", {}, delivery.provider),
    el("td", {}, delivery.kind),
    el("td", {}, status ? badge(status) : el("span", { class: "muted" }, "—")),
    el("td", { class: "target" },
      el("code", {}, delivery.method), " ",
      el("button", {
        type: "button", class: "link", "aria-expanded": expanded ? "true" : "false",
        "aria-label": `Delivery ${delivery.id}: ${delivery.method} ${delivery.url}`,
      }, delivery.url)),
    el("td", {}, stateEl(delivery)),
    el("td", { class: "number" }, delivery.attempts.length),
    el("td", {}, resendControls(delivery, () => {
      render();
      load();
    })));
  if (!expanded) return [main];
  return [main, el("tr", { class: "expanded" }, el("td", { colspan: 8 }, details(delivery)))];
}

function details(delivery) {
  const headers = delivery.headers || {};
  const type = headers["content-type"] || headers["Content-Type"] || "";
  const schedule = delivery.retry_schedule;
  return el("div", { class: "item-details", id: `delivery-${delivery.id}` },
    el("dl", { class: "facts" },
      el("dt", {}, "Delivery"), el("dd", {}, el("code", {}, delivery.id)),
      el("dt", {}, "Created"), el("dd", {}, timeEl(delivery.created_at)),
      delivery.call_id ? [el("dt", {}, "Call"), el("dd", {}, el("a", { href: hashOf("calls", delivery.call_id) }, delivery.call_id))] : null,
      delivery.fault ? [el("dt", {}, "Fault"), el("dd", {}, delivery.fault)] : null,
      delivery.next_attempt_at ? [el("dt", {}, "Next attempt"), el("dd", {}, timeEl(delivery.next_attempt_at))] : null,
      el("dt", {}, "State"), el("dd", {}, delivery.state.replace("_", " ")),
      Array.isArray(schedule) ? [el("dt", {}, "Retry schedule"), el("dd", {}, schedule.length
        ? `retries after ${schedule.map((s) => `${s} s`).join(", ")}` : "one attempt only")] : null,
      el("dt", {}, "Link"), el("dd", {}, el("a", { href: hashOf("callbacks", delivery.id) }, "link to this delivery"))),
    el("h3", {}, `Attempts (${delivery.attempts.length})`),
    delivery.attempts.length === 0 ? el("p", { class: "none" }, "Not attempted yet.") :
      el("ol", { class: "attempt-list" }, delivery.attempts.map((a) => el("li", {},
        el("div", { class: "head" }, timeEl(a.at), attemptResult(a), el("span", { class: "muted" }, `${a.elapsed_ms} ms`),
          isResend(a) ? badge("resend", "resend") : null),
        a.response_body ? el("pre", { class: "body small" }, prettyBody(a.response_body)) : null))),
    el("h3", {}, "Headers"),
    headerList(headers),
    el("h3", {}, "Body"),
    delivery.body ? el("pre", { class: "body" }, prettyBody(delivery.body, type)) : el("p", { class: "none" }, "No body."));
}

function render() {
  const terms = termsOf($("callbacks-filter").value);
  const { shown, matching } = newestMatching(deliveries, terms, (d) => d.text);
  tbody.replaceChildren(...shown.flatMap(row));
  $("callbacks-empty").hidden = deliveries.length > 0;
  $("callbacks-count").textContent = countText(shown.length, matching, deliveries.length, terms.length > 0, "delivery")
    .replace("deliverys", "deliveries");
}

const load = loader(
  () => api("GET", "/callbacks"),
  (data) => {
    deliveries = data.callbacks.map((d) => Object.assign(d, {
      text: `${d.id} ${d.provider} ${d.kind} ${d.method} ${d.url} ${d.call_id || ""} ${reported(d) || ""} ${d.delivered ? "delivered" : "not delivered"} ${d.body}`.toLowerCase(),
    }));
    showError($("callbacks-error"), null);
    render();
  },
  (error) => showError($("callbacks-error"), error),
);

$("callbacks-filter").addEventListener("input", () => {
  replace("callbacks", open, $("callbacks-filter").value);
  render();
});

tbody.addEventListener("click", (event) => {
  const toggle = event.target.closest("button.link");
  const tr = event.target.closest("tr[data-delivery-id]");
  if (!toggle || !tr) return;
  const id = tr.dataset.deliveryId === open ? null : tr.dataset.deliveryId;
  go(hashOf("callbacks", id, $("callbacks-filter").value));
});

export const view = {
  name: "callbacks",
  show({ id, params }) {
    open = id;
    $("callbacks-filter").value = params.get("filter") || "";
    render();
    load();
  },
  refresh: () => load(),
  onActivity(now, before) {
    if (!before || now.callbacks !== before.callbacks || now.attempts !== before.attempts) load();
  },
};
