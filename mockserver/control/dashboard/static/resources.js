// What the providers keep (#/resources, #/resources/<provider>): applications, tokens, apps, DIDs,
// webhooks, sound files, incoming numbers, customers… read from GET {base}/ui/resources (each provider's
// snapshot, secrets masked by the server). And the credentials (#/credentials) clients sign in with
// (GET {base}/credentials), secrets hidden until asked for.

import { $, api, count, el, loader, recordTable, showError } from "./dom.js";
import { hashOf } from "./router.js";

// What users look for first, per provider; the rest of what a provider keeps follows, folded.
const FEATURED = {
  apifonica: ["applications", "accounts"],
  routee: ["applications", "tokens"],
  callr: ["apps", "dids", "webhooks"],
  esendex: ["sounds", "accounts"],
  dillo: ["customers"],
};
// How a collection is headed, where its snapshot name is terse.
const TITLES = { sounds: "sound files", dids: "DIDs", apps: "apps", api_keys: "API keys" };

let providers = [];
let only = null; // one provider's name, or null for all

function collection(provider, name, data) {
  const title = TITLES[name] || name.replaceAll("_", " ");
  const heading = el("h3", { id: `res-${provider}-${name}` }, `${title} (${data.total.toLocaleString("en-US")})`);
  if (data.total === 0) return el("section", { class: "collection", "data-collection": name }, heading, el("p", { class: "none" }, "None yet."));
  const note = data.total > data.records.length ? el("p", { class: "muted" }, `the newest ${data.records.length} of ${data.total.toLocaleString("en-US")}`) : null;
  return el("section", { class: "collection", "data-collection": name, "aria-labelledby": `res-${provider}-${name}` },
    heading, note, recordTable(data.records.slice().reverse(), `${provider} ${title}`));
}

// Esendex keeps its incoming numbers inside each account (with the script each one says): they get a
// table of their own, since users look for them by number.
function incomingNumbers(provider) {
  const accounts = provider.collections.accounts;
  if (provider.name !== "esendex" || !accounts) return null;
  const numbers = accounts.records.flatMap((a) =>
    (a.incoming_numbers || []).map((n) => (typeof n === "object" ? { account: a.name, ...n } : { account: a.name, number: n })));
  return collection(provider.name, "incoming_numbers", { total: numbers.length, records: numbers });
}

function providerCard(provider) {
  const featured = FEATURED[provider.name] || [];
  const names = Object.keys(provider.collections);
  const first = featured.filter((n) => names.includes(n));
  const rest = names.filter((n) => !featured.includes(n));
  const full = rest.filter((n) => provider.collections[n].total > 0);
  const empty = rest.filter((n) => provider.collections[n].total === 0);
  const special = incomingNumbers(provider);
  return el("section", { class: "card provider", id: `provider-${provider.name}`, "aria-labelledby": `provider-${provider.name}-title` },
    el("h2", { id: `provider-${provider.name}-title` }, provider.name, " ", el("span", { class: "muted" }, provider.title || "")),
    first.slice(0, 1).map((n) => collection(provider.name, n, provider.collections[n])),
    special,
    first.slice(1).map((n) => collection(provider.name, n, provider.collections[n])),
    full.length ? el("details", { class: "more" },
      el("summary", {}, `More it keeps: ${full.map((n) => `${n.replaceAll("_", " ")} (${provider.collections[n].total})`).join(", ")}`),
      full.map((n) => collection(provider.name, n, provider.collections[n]))) : null,
    empty.length ? el("p", { class: "muted small" }, `Also kept, empty now: ${empty.map((n) => n.replaceAll("_", " ")).join(", ")}.`) : null);
}

function pills(names, current, view) {
  return [
    el("a", { href: hashOf(view), class: "pill", "aria-current": current === null ? "page" : null }, "All"),
    ...names.map((name) => el("a", { href: hashOf(view, name), class: "pill", "aria-current": current === name ? "page" : null }, name)),
  ];
}

function render() {
  $("resources-providers").replaceChildren(...pills(providers.map((p) => p.name), only, "resources"));
  const shown = providers.filter((p) => only === null || p.name === only);
  $("resources-body").replaceChildren(...(shown.length ? shown.map(providerCard)
    : [el("p", { class: "none" }, providers.length ? `No provider ${only} on this server.` : "Loading…")]));
}

const load = loader(
  () => api("GET", "/ui/resources"),
  (data) => {
    providers = data.providers;
    showError($("resources-error"), null);
    render();
  },
  (error) => showError($("resources-error"), error),
);

export const resourcesView = {
  name: "resources",
  show({ id }) {
    only = id;
    render();
    load();
  },
  refresh: () => load(),
  onActivity(now, before) {
    if (!before || now.journal !== before.journal || now.attempts !== before.attempts) load();
  },
};

// -- credentials ---------------------------------------------------------------------------------
// The rule the server masks with (control/dashboard/resources.py, the front door too): a secret by its
// field name; "••••" and its last 4 characters, or all of it hidden when it is 8 characters or fewer.
const SECRET = /password|secret|token|api_?key|license|auth|session/i;
let credentials = {};
let credentialsOnly = null;

function hidden(record) {
  if ($("show-secrets").checked) return record;
  return Object.fromEntries(Object.entries(record).map(([k, v]) =>
    [k, typeof v === "string" && SECRET.test(k) ? `••••${v.length > 8 ? v.slice(-4) : ""}` : v]));
}

function renderCredentials() {
  const names = Object.keys(credentials);
  $("credentials-providers").replaceChildren(...pills(names, credentialsOnly, "credentials"));
  const shown = names.filter((n) => credentialsOnly === null || n === credentialsOnly);
  $("credentials-body").replaceChildren(...shown.map((name) => {
    const records = credentials[name];
    return el("section", { class: "card provider", id: `credentials-${name}`, "aria-labelledby": `credentials-${name}-title` },
      el("h2", { id: `credentials-${name}-title` }, name, " ", el("span", { class: "muted" }, count(records.length, "credential"))),
      records.length ? recordTable(records.map(hidden), `${name} credentials`) : el("p", { class: "none" }, "None."));
  }));
}

const loadCredentials = loader(
  () => api("GET", "/credentials"),
  (data) => {
    credentials = data;
    showError($("credentials-error"), null);
    renderCredentials();
  },
  (error) => showError($("credentials-error"), error),
);

$("show-secrets").addEventListener("change", renderCredentials);

export const credentialsView = {
  name: "credentials",
  show({ id }) {
    credentialsOnly = id;
    renderCredentials();
    loadCredentials();
  },
  refresh: () => loadCredentials(),
  onActivity() {},
};
