// Tenants (#/tenants, #/tenants/<id>): the isolated namespaces of GET {base}/tenants, a form to make one
// (POST {base}/tenants), and for each its clock, its calls, a link to its own dashboard
// ({root}/tenants/<id>/ui, where every view shows that tenant only), Reset and Drop.
// On a tenant's own dashboard the view says whose it is and links back: tenants do not nest.
// A server without tenants (--max-tenants 0) answers 404, and the view says they are not available.

import { $, ApiError, api, el, loader, timeEl } from "./dom.js";
import { go } from "./router.js";

const ROOT = document.body.dataset.root;
const TENANT = document.body.dataset.tenant;
let chosen = null; // the id of #/tenants/<id>, or null for the list
let note = null; // what the last action did: { text, where } (the id of the page it shows on, or null)

const dashboardOf = (id) => `${ROOT}/tenants/${encodeURIComponent(id)}/ui`;
const path = (id) => `/tenants/${encodeURIComponent(id)}`;

function unavailable(error) {
  return el("p", { class: "unavailable", id: "tenants-unavailable", role: "status" },
    el("strong", {}, "Tenants are not available on this server. "),
    `GET /_mock/tenants answered ${error.status}: ${error.message}. `,
    "Every request uses the one default tenant.");
}

function actions(tenant) {
  return [
    el("a", { href: dashboardOf(tenant.id), class: "button small", "aria-label": `Open tenant ${tenant.id}'s dashboard` }, "Open dashboard"),
    " ",
    el("button", {
      type: "button", class: "small", "aria-label": `Reset tenant ${tenant.id}`,
      onclick: (event) => act(event.currentTarget, async () => {
        await api("POST", `${path(tenant.id)}/reset`);
        return { text: `Reset tenant ${tenant.id}: no calls, its clock at its start.`, where: chosen };
      }),
    }, "Reset"),
    " ",
    el("button", {
      type: "button", class: "small danger", "aria-label": `Drop tenant ${tenant.id}`,
      onclick: (event) => act(event.currentTarget, async () => {
        await api("DELETE", path(tenant.id));
        if (chosen === tenant.id) go("#/tenants");
        return { text: `Dropped tenant ${tenant.id} and everything in it.`, where: null };
      }),
    }, "Drop"),
  ];
}

function clockCell(clock) {
  return [el("span", { class: "badge" }, clock.mode), " ", timeEl(clock.now)];
}

function table(tenants, limit) {
  return el("div", { class: "scroll" },
    el("table", { class: "records", id: "tenants-table" },
      el("caption", {}, `${tenants.length} of at most ${limit} tenants (--max-tenants), besides the default one`),
      el("thead", {}, el("tr", {}, ["Id", "Clock", "Calls", ""].map((c) => el("th", { scope: "col" }, c)))),
      el("tbody", {}, tenants.map((t) => el("tr", { "data-tenant-id": t.id },
        el("td", {}, el("a", { href: `#/tenants/${encodeURIComponent(t.id)}` }, t.id)),
        el("td", {}, clockCell(t.clock)),
        el("td", { class: "number" }, t.calls.toLocaleString("en-US")),
        el("td", { class: "actions" }, actions(t)))))));
}

function details(tenant) {
  const base = `/_mock/tenants/${tenant.id}`;
  const providers = Object.keys(tenant.credentials || {});
  return el("section", { class: "card", id: "tenant-details", "aria-labelledby": "tenant-details-title" },
    el("h3", { id: "tenant-details-title" }, `Tenant ${tenant.id}`),
    el("dl", { class: "facts" },
      el("dt", {}, "Clock"), el("dd", {}, clockCell(tenant.clock)),
      el("dt", {}, "Calls"), el("dd", {}, tenant.calls.toLocaleString("en-US")),
      el("dt", {}, "Control API"), el("dd", {}, el("code", {}, base), " (or any request with ", el("code", {}, `X-Mock-Tenant: ${tenant.id}`), ")"),
      el("dt", {}, "Credentials"), el("dd", {},
        providers.length ? `for ${providers.join(", ")}: ` : "",
        el("a", { href: `${dashboardOf(tenant.id)}#/credentials` }, "see them on its dashboard"))),
    el("p", {}, actions(tenant)),
    el("p", {}, el("a", { href: "#/tenants" }, "All tenants")));
}

function render(state) {
  const body = $("tenants-body");
  $("tenant-form").hidden = Boolean(TENANT) || Boolean(state.unavailable);
  if (TENANT) {
    body.replaceChildren(el("p", { id: "tenant-own", role: "status" },
      "This is the dashboard of tenant ", el("strong", {}, TENANT),
      ": its calls, requests, callbacks, resources, scenarios, faults and credentials only, on its own clock. ",
      "Tenants are made, listed and dropped on ", el("a", { href: `${ROOT}/ui#/tenants` }, "the default tenant's dashboard"), "."));
    return;
  }
  if (state.unavailable) {
    body.replaceChildren(unavailable(state.unavailable));
    return;
  }
  if (state.error) {
    body.replaceChildren(el("p", { class: "error", role: "alert" }, `Could not load: ${state.error.message}`));
    return;
  }
  const shown = note && note.where === chosen ? el("p", { id: "tenant-note", role: "status" }, note.text) : null;
  if (state.tenant) {
    body.replaceChildren(...[shown, details(state.tenant)].filter(Boolean));
    return;
  }
  const { tenants, limit } = state.data;
  body.replaceChildren(...[shown, tenants.length
    ? table(tenants, limit)
    : el("p", { class: "none" }, "No tenants but the default one. Make one above, or with POST /_mock/tenants.")].filter(Boolean));
}

const load = loader(
  async () => (chosen === null ? { data: await api("GET", "/tenants") } : { tenant: await api("GET", path(chosen)) }),
  (state) => render(state),
  (error) => {
    if (error instanceof ApiError && (error.status === 404 || error.status === 405)) {
      if (chosen !== null && error.code === "not_found" && !/made on the default/.test(error.message)) {
        render({ error });
        return;
      }
      render({ unavailable: error });
    } else render({ error });
  },
);

// Runs `work` (async, answering the note to show); a failure shows the server's message under the form.
async function act(button, work) {
  button.disabled = true;
  $("tenant-outcome").hidden = true;
  try {
    note = await work();
  } catch (error) {
    $("tenant-outcome").textContent = error.message;
    $("tenant-outcome").hidden = false;
  } finally {
    button.disabled = false;
    load();
  }
}

$("tenant-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const body = { clock: $("tenant-clock").value };
  const id = $("tenant-id").value.trim();
  if (id) body.id = id;
  act(event.submitter || $("tenant-create"), async () => {
    const tenant = await api("POST", "/tenants", body);
    $("tenant-id").value = "";
    chosen = tenant.id; // before its hashchange arrives, so the note and the load are for its page
    go(`#/tenants/${encodeURIComponent(tenant.id)}`);
    return { text: `Made tenant ${tenant.id}: its credentials are on its dashboard.`, where: tenant.id };
  });
});

export const view = {
  name: "tenants",
  show({ id }) {
    chosen = TENANT ? null : id;
    load();
  },
  refresh: () => load(),
  onActivity(now, before) {
    if (JSON.stringify(now.tenants) !== JSON.stringify(before.tenants)) load();
  },
};
