// Faults (#/faults): the rules in force with their hits, a form to add one as JSON (POST {base}/faults)
// and a button to remove each (DELETE {base}/faults/{id}) or all of them (DELETE {base}/faults).

import { $, api, el, loader, showError } from "./dom.js";

const MATCH = ["provider", "method", "path", "rpc_method", "url"];
const EFFECT = ["status", "error", "latency", "drop", "retry_after", "delay", "reorder", "duplicate"];
let rules = [];

function fields(rule, names) {
  const shown = names.filter((n) => rule[n] !== undefined);
  if (shown.length === 0) return el("span", { class: "muted" }, "any");
  return shown.map((n, i) => [i ? ", " : "", el("span", { class: "muted" }, `${n} `), el("code", {}, JSON.stringify(rule[n]))]);
}

function row(rule) {
  return el("tr", { "data-fault-id": rule.id },
    el("td", {}, el("code", {}, rule.id)),
    el("td", {}, rule.target),
    el("td", {}, fields(rule, MATCH)),
    el("td", {}, fields(rule, EFFECT)),
    el("td", { class: "number" }, rule.times ?? "always"),
    el("td", { class: "number" }, rule.probability ?? 1),
    el("td", { class: "number" }, rule.hits),
    el("td", {}, el("button", {
      type: "button", class: "small danger", "aria-label": `Remove fault ${rule.id}`,
      onclick: (event) => act(event.currentTarget, () => api("DELETE", `/faults/${encodeURIComponent(rule.id)}`)),
    }, "Remove")));
}

function render() {
  $("faults-table").hidden = rules.length === 0;
  $("faults-empty").hidden = rules.length > 0;
  $("faults-clear").disabled = rules.length === 0;
  document.querySelector("#faults-table tbody").replaceChildren(...rules.map(row));
  $("faults-count").textContent = rules.length === 1 ? "1 rule in force" : `${rules.length} rules in force`;
}

const load = loader(
  () => api("GET", "/faults"),
  (data) => {
    rules = data.faults;
    showError($("faults-error"), null);
    render();
  },
  (error) => showError($("faults-error"), error),
);

async function act(button, work) {
  button.disabled = true;
  $("fault-outcome").hidden = true;
  try {
    await work();
    return true;
  } catch (error) {
    $("fault-outcome").textContent = error.message;
    $("fault-outcome").hidden = false;
    return false;
  } finally {
    button.disabled = false;
    load();
  }
}

$("fault-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const text = $("fault-json").value;
  let body;
  try {
    body = JSON.parse(text);
  } catch (error) {
    $("fault-outcome").textContent = `Not JSON: ${error.message}`;
    $("fault-outcome").hidden = false;
    return;
  }
  await act(event.submitter || $("fault-add"), () => api("POST", "/faults", body));
});

$("faults-clear").addEventListener("click", (event) => act(event.currentTarget, () => api("DELETE", "/faults")));

for (const example of document.querySelectorAll("[data-fault-example]")) {
  example.addEventListener("click", () => {
    $("fault-json").value = JSON.stringify(JSON.parse(example.dataset.faultExample), null, 2);
    $("fault-json").focus();
  });
}

export const view = {
  name: "faults",
  show() {
    load();
  },
  refresh: () => load(),
  onActivity(now, before) {
    if (!before || JSON.stringify(now.faults) !== JSON.stringify(before.faults)) load();
  },
};
