// Scenarios (#/scenarios, #/scenarios/<name>): what the callee does on each kind of call, from
// GET {base}/scenarios, with the default and the scenario forced on new calls (GET {base}/forced-scenario).

import { $, api, badge, el, loader, showError } from "./dom.js";
import { hashOf } from "./router.js";

let book = { default: null, scenarios: [] };
let forced = null;
let open = null;

function steps(scenario) {
  if (scenario.mix) {
    return el("p", { class: "steps" }, "A mix: ", scenario.mix.map((m, i) => [i ? ", " : "",
      el("a", { href: hashOf("scenarios", m.scenario) }, m.scenario), ` × ${m.weight}`]));
  }
  let at = 0;
  return el("ol", { class: "steps", "aria-label": `steps of ${scenario.name}` }, (scenario.steps || []).map((s) => {
    at += s.after;
    return el("li", {}, el("span", { class: "muted" }, `+${s.after} s (at ${at} s)`), " ", badge(s.state), s.by ? ` by ${s.by}` : "");
  }));
}

function card(scenario) {
  const facts = [
    ["Numbers", scenario.numbers && scenario.numbers.length ? scenario.numbers.join(", ") : null],
    ["Keys pressed", scenario.input && scenario.input.length ? scenario.input.map((p) => `${p.digits} after ${p.after} s`).join("; ") : null],
    ["Price a minute", scenario.price_per_minute],
    ["Recording", scenario.recording ? `${scenario.recording.seconds} s` : null],
    ["Source", scenario.source ? el("code", {}, scenario.source) : null],
  ].filter(([, v]) => v !== null && v !== undefined);
  return el("li", { class: "card scenario", id: `scenario-${scenario.name}`, "aria-current": scenario.name === open ? "true" : "false" },
    el("h3", {}, el("a", { href: hashOf("scenarios", scenario.name) }, scenario.name),
      scenario.name === book.default ? [" ", el("span", { class: "badge tag" }, "default")] : null,
      scenario.name === forced ? [" ", el("span", { class: "badge tag forced" }, "forced on new calls")] : null),
    scenario.description ? el("p", {}, scenario.description) : null,
    steps(scenario),
    el("dl", { class: "facts" }, facts.map(([k, v]) => [el("dt", {}, k), el("dd", {}, v)])));
}

function render() {
  $("scenarios-count").textContent = `${book.scenarios.length} scenarios; default ${book.default || "—"}${forced ? `; forced: ${forced}` : ""}`;
  $("scenarios-list").replaceChildren(...book.scenarios.map(card));
  if (open) {
    const target = document.getElementById(`scenario-${open}`);
    if (target) target.scrollIntoView({ block: "nearest" });
  }
}

const load = loader(
  () => Promise.all([api("GET", "/scenarios"), api("GET", "/forced-scenario").catch(() => ({ name: null }))]),
  ([scenarios, force]) => {
    book = scenarios;
    forced = force.name;
    showError($("scenarios-error"), null);
    render();
  },
  (error) => showError($("scenarios-error"), error),
);

export const view = {
  name: "scenarios",
  show({ id }) {
    open = id;
    render();
    load();
  },
  refresh: () => load(),
  onActivity() {},
};
