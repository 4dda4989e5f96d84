// Hash routing, so every view and every item has a URL to share: #/<view>[/<id>][?filter=…].
// #/calls/<id> opens a call, #/requests?filter=POST a filtered journal, #/callbacks/<id> one delivery.

export const VIEWS = ["calls", "requests", "callbacks", "resources", "scenarios", "faults", "tenants", "credentials"];

export function route(hash = location.hash) {
  const text = hash.replace(/^#\/?/, "");
  const [path, query = ""] = text.split("?", 2);
  const [view, ...rest] = path.split("/");
  const id = rest.length ? decodeURIComponent(rest.join("/")) : null;
  return {
    view: VIEWS.includes(view) ? view : "calls",
    id: id || null,
    params: new URLSearchParams(query),
  };
}

export function go(hash) {
  if (location.hash === hash) window.dispatchEvent(new HashChangeEvent("hashchange"));
  else location.hash = hash;
}

// The hash of `view` with its item `id` and its filter (replacing the address, not adding history, so
// typing in a filter does not fill the back button).
export function hashOf(view, id, filter) {
  const item = id === null || id === undefined ? "" : `/${encodeURIComponent(id)}`;
  return `#/${view}${item}${filter ? `?filter=${encodeURIComponent(filter)}` : ""}`;
}

export function replace(view, id, filter) {
  history.replaceState(null, "", hashOf(view, id, filter));
}
