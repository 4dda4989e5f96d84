// Tenants (#/tenants): the isolated namespaces of GET {base}/tenants. A server without tenants answers
// 404 (or 405), and the view says they are not available rather than showing an error.

import { $, ApiError, api, el, loader, recordTable } from "./dom.js";

function render(state) {
  const body = $("tenants-body");
  if (state.unavailable) {
    body.replaceChildren(el("p", { class: "unavailable", id: "tenants-unavailable", role: "status" },
      el("strong", {}, "Tenants are not available on this server. "),
      `GET /_mock/tenants answered ${state.unavailable.status}: ${state.unavailable.message}. `,
      "Every request uses the one default tenant."));
    return;
  }
  if (state.error) {
    body.replaceChildren(el("p", { class: "error", role: "alert" }, `Could not load: ${state.error.message}`));
    return;
  }
  const data = state.data;
  const tenants = Array.isArray(data) ? data : data.tenants || [];
  body.replaceChildren(tenants.length
    ? recordTable(tenants.map((t) => (typeof t === "object" ? t : { id: t })), "tenants")
    : el("p", { class: "none" }, "No tenants but the default one."));
}

const load = loader(
  () => api("GET", "/tenants"),
  (data) => render({ data }),
  (error) => render(error instanceof ApiError && (error.status === 404 || error.status === 405)
    ? { unavailable: error } : { error }),
);

export const view = {
  name: "tenants",
  show: () => load(),
  refresh: () => load(),
  onActivity() {},
};
