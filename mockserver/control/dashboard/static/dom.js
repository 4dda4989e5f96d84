// Small helpers every view uses: building DOM, showing times with their dates, talking to the control
// API, filtering, and a loader that never has two reads of one view in flight.

export const BASE = document.body.dataset.base;
export const $ = (id) => document.getElementById(id);
// Lists show at most this many rows (newest first); the filter narrows the rest down.
export const ROW_LIMIT = 200;

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

const ISO = /^(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:?\d\d)?$/;

export function isTime(value) {
  return typeof value === "string" && ISO.test(value);
}

export function timeOf(iso) {
  // "2026-01-01T09:00:07.500000Z" -> "09:00:07.5"
  const match = iso ? ISO.exec(iso) : null;
  if (!match) return iso || "";
  const fraction = match[3] ? match[3].replace(/0+$/, "") : "";
  return match[2] + (fraction === "." ? "" : fraction);
}

export function dateOf(iso) {
  // "2026-01-01T09:00:07Z" -> "2026-01-01"
  const match = iso ? ISO.exec(iso) : null;
  return match ? match[1] : "";
}

// A time with its date, the full ISO text on hover: <time>2026-01-01 09:00:07</time>.
export function timeEl(iso) {
  if (!iso) return el("span", { class: "muted" }, "—");
  return el("time", { datetime: iso, title: iso }, el("span", { class: "date" }, dateOf(iso)), " ", timeOf(iso));
}

export function badge(state, extra = "") {
  return el("span", { class: `badge state-${state} ${extra}`.trim() }, String(state).replace("_", " "));
}

export function count(n, one, many = `${one}s`) {
  return `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;
}

// -- the control API -------------------------------------------------------------------------------
export class ApiError extends Error {
  constructor(status, message, code) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

// The answer as JSON; a 4xx/5xx throws an ApiError with the server's own message (the control API's
// {"error": {"code", "message"}}, or the status line when the body says nothing).
export async function api(method, path, body) {
  const init = { method, headers: {} };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = typeof body === "string" ? body : JSON.stringify(body);
  }
  const response = await fetch(BASE + path, init);
  const text = await response.text();
  let data = {};
  try {
    data = text ? JSON.parse(text) : {};
  } catch {
    data = { text };
  }
  if (!response.ok) {
    const error = data && data.error;
    const message = error && error.message ? error.message : `${response.status} ${response.statusText}`.trim();
    throw new ApiError(response.status, message, error && error.code);
  }
  return data;
}

// -- filtering -----------------------------------------------------------------------------------
export function termsOf(text) {
  return text.toLowerCase().split(/\s+/).filter(Boolean);
}

export function matches(haystack, terms) {
  return terms.every((term) => haystack.includes(term));
}

// The newest ROW_LIMIT items that match, and how many match in all. `items` are oldest first.
export function newestMatching(items, terms, textOf) {
  const shown = [];
  let matching = 0;
  for (let i = items.length - 1; i >= 0; i--) {
    if (matches(textOf(items[i]), terms)) {
      matching++;
      if (shown.length < ROW_LIMIT) shown.push(items[i]);
    }
  }
  return { shown, matching };
}

export function countText(shown, matching, total, filtered, noun) {
  if (total === 0) return `no ${noun}s yet`;
  const n = (x) => x.toLocaleString("en-US");
  const of = filtered ? `${n(matching)} matching of ${count(total, noun)}` : count(total, noun);
  return shown < matching ? `newest ${n(shown)} of ${of}` : of;
}

// -- loading -------------------------------------------------------------------------------------
// Runs `load` (async) then `show` with its answer; asked again while a load runs, it loads once more
// when that one ends, so the view ends up current without piling up requests.
export function loader(load, show, fail) {
  let running = false;
  let again = false;
  return async function run() {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      show(await load());
    } catch (error) {
      fail(error);
    } finally {
      running = false;
      if (again) {
        again = false;
        run();
      }
    }
  };
}

// -- showing data ------------------------------------------------------------------------------------
// A request or callback body, readable: JSON pretty-printed, a form one field a line, anything else as is.
export function prettyBody(body, contentType = "") {
  if (!body) return "";
  const trimmed = body.trim();
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
    try {
      return JSON.stringify(JSON.parse(trimmed), null, 2);
    } catch {
      return body;
    }
  }
  if (contentType.includes("x-www-form-urlencoded") || /^[\w.%\-[\]]+=[^\s]*(&[\w.%\-[\]]+=[^\s]*)*$/.test(trimmed)) {
    return [...new URLSearchParams(trimmed)].map(([k, v]) => `${k} = ${v}`).join("\n");
  }
  return body;
}

export function headerList(headers) {
  const names = Object.keys(headers || {});
  if (names.length === 0) return el("p", { class: "none" }, "No headers.");
  return el("dl", { class: "headers" }, names.map((name) => [el("dt", {}, name), el("dd", {}, headers[name])]));
}

// One value of a record, short: a time with its date, a list joined, an object as compact JSON.
export function cell(value) {
  if (value === null || value === undefined || value === "") return el("span", { class: "muted" }, "—");
  if (isTime(value)) return timeEl(value);
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (Array.isArray(value) && value.every((v) => typeof v !== "object" || v === null)) {
    if (value.length === 0) return el("span", { class: "muted" }, "none");
    const head = value.slice(0, 6).join(", ");
    return el("span", { title: value.join(", ") }, value.length > 6 ? `${head}, … (${value.length})` : head);
  }
  if (typeof value === "object") {
    const text = JSON.stringify(value);
    return el("code", { class: "json", title: JSON.stringify(value, null, 2) }, text.length > 90 ? `${text.slice(0, 88)}…` : text);
  }
  return String(value);
}

// A table of records: one column per field, in the order fields first appear.
export function recordTable(records, caption, columnLimit = 9) {
  const columns = [];
  for (const record of records) {
    for (const key of Object.keys(record)) if (!columns.includes(key)) columns.push(key);
  }
  const shown = columns.slice(0, columnLimit);
  const hidden = columns.length - shown.length;
  return el("div", { class: "scroll" },
    el("table", { class: "records" },
      el("caption", { class: "visually-hidden" }, caption),
      el("thead", {}, el("tr", {}, shown.map((c) => el("th", { scope: "col" }, c)),
        hidden > 0 ? el("th", { scope: "col" }, `+${hidden} more`) : null)),
      el("tbody", {}, records.map((record) => el("tr", {},
        shown.map((c) => el("td", {}, cell(record[c]))),
        hidden > 0 ? el("td", {}, cell(Object.fromEntries(columns.slice(columnLimit).map((c) => [c, record[c]])))) : null)))));
}

// The view's status line: an error (role=alert) or nothing.
export function showError(node, error) {
  node.hidden = !error;
  node.textContent = error ? `Could not load: ${error.message}` : "";
}
