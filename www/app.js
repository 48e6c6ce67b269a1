// The sample portal: every section is a few calls of the lockt-secureaccess SDK.
// Plain ES module, no build step; ./lib/ is the package's browser build.
import * as sdk from "./lib/index.js";
import { toCsv } from "./csv.js";
import { describe, fieldMessage, fieldOfApiMessage, recordOutcome, OUTCOME_TEXT } from "./messages.js";
import { formatTime, hasPassed, sentForm, ZONE } from "./time.js";

const { init, LocktClient, parseUsersCsv, validateUser, validateUsers } = sdk;

// The sandbox's public example pair (see sandbox/README.md). Never real keys.
const SANDBOX = { apiUser: "9r8ehveyb5h8mnwwet4yf9ugjynz8pkn", apiKey: "hqx7wde64vwe987fvg6q4zaautrs3p7j" };
const PAGE_SIZE = 10;
const EVENTS_SHOWN = 200;
const LOW_BATTERY = 0.25;

const $ = (selector, root = document) => root.querySelector(selector);

/** Builds an element: h("td", { className: "num" }, "12", child, ...). */
function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key in el && !key.startsWith("aria") && key !== "role") el[key] = value;
    else el.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

// ── messages on the page ────────────────────────────────────────────────

/** An error box: the page's sentence, and the SDK's or API's own text under "Details". */
function showError(box, error) {
  const { title, sentence, details } = describe(error);
  box.replaceChildren(
    h("strong", {}, title), " ", sentence,
    details && h("details", {}, h("summary", {}, "Details"), h("code", {}, details)),
  );
  box.hidden = false;
}

function showNotice(box, text) {
  box.replaceChildren(text);
  box.hidden = false;
}

function clearError(box) {
  box.hidden = true;
  box.replaceChildren();
}

function setStatus(el, text, ok = false) {
  el.textContent = text;
  el.classList.toggle("ok", ok);
}

/** Shows `message` under the input `input` (or clears it with ""), announced by its live region. */
function setFieldError(input, errorEl, message, details = "") {
  errorEl.textContent = message;
  errorEl.title = details;
  input.setAttribute("aria-invalid", String(Boolean(message)));
  if (message) input.setAttribute("aria-describedby", errorEl.id);
  else input.removeAttribute("aria-describedby");
}

// ── state ───────────────────────────────────────────────────────────────

let lockt = null;
let session = null; // AbortController of the current connection (stops the tail)
let connectedTo = "";
let accessLevels = [];
const users = { all: [], shown: [], page: 0 };
const creds = { all: [], page: 0 };
const doorRows = { doors: [], battery: new Map() };

// ── connection ──────────────────────────────────────────────────────────

// Proxy mode: the page's `lockt-proxy` meta tag, which a proxy serving the page fills in
// (examples/proxy.mjs does), or else `?proxy=/path` on this page's own origin. The proxy adds
// the API credentials; the page holds none, only the portal's own session token. A `?proxy=`
// pointing anywhere else is ignored: a link must not send what the operator types to a
// foreign host. (The page's Content-Security-Policy also keeps connections on its origin.)
const proxyMeta = document.querySelector('meta[name="lockt-proxy"]');
const proxyParam = new URLSearchParams(location.search).get("proxy");
const proxy = proxyMeta?.content || sameOriginPath(proxyParam);
const sessionPath = proxyMeta?.content ? proxyMeta.dataset.session ?? null : null;

/** `value` if it is a plain path on this page's origin, else null. */
function sameOriginPath(value) {
  if (!value || !value.startsWith("/") || value.startsWith("//")) return null;
  if (/[\\\s\p{Cc}]/u.test(value)) return null;
  try {
    return new URL(value, location.href).origin === location.origin ? value : null;
  } catch {
    return null;
  }
}

function prefill() {
  if (proxy) {
    $("#base-url").value = proxy;
    $("#api-user").value = "";
    $("#api-user").disabled = true;
    $("#api-user").placeholder = "added by the proxy";
    $("#api-key").value = "";
    $("#api-key").disabled = !sessionPath;
    $("#api-key-label").textContent = sessionPath ? "Portal session token" : "API key";
    $("#api-key").placeholder = sessionPath ? "your portal token" : "added by the proxy";
  } else {
    $("#base-url").value = `${location.origin}/api/v1`;
    $("#api-user").value = SANDBOX.apiUser;
    $("#api-key").value = SANDBOX.apiKey;
  }
  if (proxyParam !== null && proxyParam !== proxy) {
    setStatus($("#proxy-note"), `The link's proxy setting (${proxyParam}) was ignored: only a path on this page's own origin is used, and only when the page has no proxy of its own.`);
  }
}

async function connect() {
  // A connect started while another waits (for the wasm module, or for the proxy's login)
  // takes over: the older one stops at its next step instead of racing it.
  session?.abort();
  const mine = new AbortController();
  session = mine;
  health.reset();
  clearAllErrors();
  const errorBox = $("#connection-error");
  const options = { baseUrl: $("#base-url").value.trim() };
  if (proxy && sessionPath) {
    // The proxy wants the portal's own session (an HttpOnly cookie) before any API call.
    const token = $("#api-key").value;
    if (!token) {
      setStatus($("#connection-status"), "Enter your portal session token to connect");
      return;
    }
    const answer = await fetch(sessionPath, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ token }) });
    if (mine.signal.aborted) return;
    if (!answer.ok) {
      showError(errorBox, { kind: "auth", message: "The portal refused the session token" });
      setStatus($("#connection-status"), "Not connected");
      return;
    }
  }
  if (!proxy) {
    options.apiUser = $("#api-user").value.trim();
    options.apiKey = $("#api-key").value;
  }
  try {
    lockt = new LocktClient(options);
  } catch (error) {
    lockt = null;
    showError(errorBox, error);
    setStatus($("#connection-status"), "Not connected");
    return;
  }
  connectedTo = options.baseUrl;
  setStatus($("#connection-status"), `Connecting to ${options.baseUrl} …`);
  const { signal } = mine;
  const results = await Promise.allSettled([loadAll(), startEvents(signal)]);
  if (signal.aborted) return;
  const failed = results.find((r) => r.status === "rejected");
  if (failed) {
    showError(errorBox, failed.reason);
    setStatus($("#connection-status"), "Not connected");
  } else {
    setStatus($("#connection-status"), `Connected to ${options.baseUrl}`, true);
    health.connected = true;
  }
}

/** Loads every section; rejects with the first failure (each section shows its own). */
async function loadAll() {
  const results = await Promise.allSettled([loadUsers(), loadAccessLevels(), loadDoors(), loadSchedules(), loadCredentials()]);
  const failed = results.find((r) => r.status === "rejected");
  if (failed) throw failed.reason;
}

/** Runs a section loader: its errors go to the section's box and up to the caller. */
async function section(boxId, load) {
  const box = $(boxId);
  clearError(box);
  try {
    await load();
  } catch (error) {
    showError(box, error);
    throw error;
  }
}

function clearAllErrors() {
  for (const box of document.querySelectorAll(".error")) clearError(box);
}

// ── connection health ───────────────────────────────────────────────────

// The SDK calls the page's `fetch`; the page watches those calls (it changes none). After a
// few failures in a row (no answer, or a gateway's 502/503/504) the status and the Events
// badge say so, a probe retries every few seconds, and the first answer clears it all.
const FAILURES_BEFORE_LOST = 3;
const PROBE_MS = 2000;

const health = {
  connected: false,
  failures: 0,
  lost: false,
  probe: null,
  reset() {
    this.connected = false;
    this.failures = 0;
    this.lost = false;
    clearInterval(this.probe);
    this.probe = null;
  },
  failed() {
    this.failures++;
    if (this.connected && !this.lost && this.failures >= FAILURES_BEFORE_LOST) this.lose();
  },
  answered() {
    this.failures = 0;
    if (this.lost) this.recover();
  },
  lose() {
    this.lost = true;
    setStatus($("#connection-status"), `Connection lost – retrying (${connectedTo})`);
    setTailState();
    let probing = false;
    this.probe = setInterval(async () => {
      if (probing || !lockt) return;
      probing = true;
      await lockt.accessLevels.list({}).catch(() => {});
      probing = false;
    }, PROBE_MS);
  },
  async recover() {
    this.lost = false;
    clearInterval(this.probe);
    this.probe = null;
    setStatus($("#connection-status"), `Connected to ${connectedTo}`, true);
    clearAllErrors();
    if (tail?.controller && session) {
      // The tail may be sleeping through a long backoff: start it again now.
      stopTail();
      runTail(session.signal);
    }
    setTailState();
    await loadAll().catch(() => {});
  },
};

function watchFetch() {
  const pageFetch = window.fetch.bind(window);
  window.fetch = async (...args) => {
    try {
      const response = await pageFetch(...args);
      if ([502, 503, 504].includes(response.status)) health.failed();
      else health.answered();
      return response;
    } catch (error) {
      if (error?.name !== "AbortError") health.failed();
      throw error;
    }
  };
}

// ── users: list, search, paging, lookup ─────────────────────────────────

function userName(user) {
  if (user.first_name || user.last_name) return [user.first_name, user.last_name].filter(Boolean).join(" ");
  return user.name ?? "";
}

const levelName = (l) => l.name ?? `#${l.id}`;

function loadUsers() {
  return section("#users-error", async () => {
    users.all = await lockt.users.list({});
    users.all.sort((a, b) => b.id - a.id); // newest first
    filterUsers();
  });
}

function filterUsers() {
  const query = $("#user-search").value.trim().toLowerCase();
  users.shown = !query
    ? users.all
    : users.all.filter((u) =>
        [userName(u), u.id_num, u.email, u.card_num, String(u.id)].some((v) => v && String(v).toLowerCase().includes(query)),
      );
  users.page = 0;
  renderUsers();
}

function renderUsers() {
  const pages = Math.max(1, Math.ceil(users.shown.length / PAGE_SIZE));
  users.page = Math.min(users.page, pages - 1);
  const slice = users.shown.slice(users.page * PAGE_SIZE, (users.page + 1) * PAGE_SIZE);
  $("#users-table tbody").replaceChildren(
    ...slice.map((u) =>
      h("tr", { "data-id": u.id },
        h("td", { className: "num" }, u.id),
        h("td", {}, userName(u)),
        h("td", {}, u.id_num ?? ""),
        h("td", {}, u.email ?? ""),
        h("td", { className: "num" }, u.card_num ?? ""),
        h("td", {}, accessState(u)),
        h("td", {}, (u.accesslevels ?? []).map((l) => h("span", { className: "chip" }, levelName(l)))),
        h("td", {}, formatTime(u.access_expires)),
        h("td", { className: "row-action" }, h("button", { type: "button", className: "link", onclick: () => showUser(u), "aria-label": `Open ${userName(u) || u.id}` }, "Open")),
      ),
    ),
  );
  if (!slice.length) $("#users-table tbody").append(h("tr", {}, h("td", { colSpan: 9 }, "No users match.")));
  labelCells($("#users-table"));
  $("#users-page").textContent = `Page ${users.page + 1} of ${pages} · ${users.shown.length} users`;
  $("#users-prev").disabled = users.page === 0;
  $("#users-next").disabled = users.page >= pages - 1;
}

/** "Yes", "No", or "No: access ended …" for an enabled user whose access has expired. */
function accessState(user) {
  if (user.enabled === false) return "No";
  if (hasPassed(user.access_expires)) return `No: access ended ${formatTime(user.access_expires)}`;
  return "Yes";
}

/** Copies each column's header onto its cells, for the stacked layout of narrow screens. */
function labelCells(table) {
  const labels = [...table.tHead.rows[0].cells].map((th) => th.dataset.label ?? th.textContent.trim());
  for (const row of table.tBodies[0].rows) {
    [...row.cells].forEach((cell, i) => {
      if (cell.colSpan === 1 && labels[i]) cell.dataset.label = labels[i];
    });
  }
}

async function lookup(event) {
  event.preventDefault();
  const box = $("#users-error");
  const input = $("#lookup-value");
  clearError(box);
  setFieldError(input, $("#lookup-error"), "");
  const by = $("#lookup-by").value;
  const value = input.value.trim();
  if (!lockt || !value) return;
  if (by === "id" && !/^\d+$/.test(value)) {
    setFieldError(input, $("#lookup-error"), `A system id is a whole number. To find “${value}”, look up by ID number.`);
    return;
  }
  try {
    const user = by === "id" ? await lockt.users.get(Number(value), {}) : await lockt.users.getByIdNum(value, {});
    if (!user) {
      setFieldError(input, $("#lookup-error"), `No user has ${by === "id" ? "the system id" : "the ID number"} ${value}.`);
      $("#user-detail").hidden = true;
      return;
    }
    showUser(user);
  } catch (error) {
    showError(box, error);
  }
}

let current = null; // the user shown in the detail panel

function showUser(user) {
  if (current?.id !== user.id) $("#assign-replace").checked = false; // "Replace" is for one user only
  current = user;
  const rows = [
    ["System id", user.id],
    ["Name", userName(user)],
    ["ID number", user.id_num],
    ["Email", user.email],
    ["Phone", user.phone],
    ["Card", user.card_num],
    ["Registration key", user.credential_key],
    ["Access", accessState(user)],
    ["Access starts", formatTime(user.access_effective)],
    ["Access ends", formatTime(user.access_expires)],
  ];
  $("#user-detail-h").textContent = `User ${userName(user) || user.id}`;
  $("#user-detail-fields").replaceChildren(...rows.flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v ?? "")]));
  const levels = user.accesslevels ?? [];
  $("#user-levels").replaceChildren(
    ...levels.map((l) =>
      h("li", { className: "chip removable" },
        levelName(l),
        h("button", { type: "button", className: "remove", "aria-label": `Remove ${levelName(l)}`, onclick: () => removeLevel(l) }, "×"),
      ),
    ),
  );
  if (!levels.length) $("#user-levels").append(h("li", { className: "hint" }, "No access levels"));
  setStatus($("#user-detail-status"), "");
  $("#disable-at").value ||= localDate(new Date(Date.now() + 86_400_000)); // tomorrow
  describeDisableDate();
  const detail = $("#user-detail");
  detail.hidden = false;
  detail.focus();
}

/** Reads the user back and refreshes the detail panel and the list row. */
async function refreshUser(user) {
  const fresh = await lockt.users.get(user.id, {});
  if (!fresh) return;
  showUser(fresh);
  for (const list of [users.all, users.shown]) {
    const i = list.findIndex((u) => u.id === fresh.id);
    if (i >= 0) list[i] = fresh;
  }
  renderUsers();
}

/** Runs an edit of the current user, then reads it back; `done` is the status after. */
async function editUser(pending, edit, done) {
  const status = $("#user-detail-status");
  setStatus(status, pending);
  try {
    await edit();
    await refreshUser(current);
    setStatus(status, done, true);
  } catch (error) {
    const { title, sentence } = describe(error);
    setStatus(status, `${title} ${sentence}`);
  }
}

// Case process 1: assign an access level picked by name.
function assignLevel(event) {
  event.preventDefault();
  if (!current) return;
  const name = $("#assign-level").value;
  const replace = $("#assign-replace").checked;
  if (!name) return;
  if (replace) {
    const held = (current.accesslevels ?? []).map(levelName);
    const ask = `Replace ${held.length ? held.join(", ") : "no levels"} of ${userName(current) || current.id} with ${name} only?`;
    if (!confirm(ask)) return;
  }
  // Names are resolved to ids by the SDK; an unknown name is an error.
  editUser(`Assigning ${name} …`, () => lockt.users.assignAccessLevels(current, [name], { replace }), `Assigned ${name}.`);
}

function removeLevel(level) {
  if (!current) return;
  const keep = (current.accesslevels ?? []).filter((l) => l.id !== level.id).map((l) => l.id);
  editUser(`Removing ${levelName(level)} …`, () => lockt.users.assignAccessLevels(current, keep, { replace: true }), `Removed ${levelName(level)}.`);
}

/** "YYYY-MM-DD" of `date` in the browser's zone. */
const localDate = (date) => [date.getFullYear(), date.getMonth() + 1, date.getDate()].map((n) => String(n).padStart(2, "0")).join("-");

/** Says how the chosen end date is sent, and warns when it is in the past. */
function describeDisableDate() {
  const at = $("#disable-at").value;
  $("#disable-at-hint").textContent = at ? `${sentForm(at)}${hasPassed(at) ? " That is in the past: access ends at once." : ""}` : "";
}

// Case process 2: disable a user's access at a date.
function disableAccess(event) {
  event.preventDefault();
  if (!current) return;
  const at = $("#disable-at").value;
  const who = userName(current) || current.id;
  const ask = hasPassed(at)
    ? `${at} is in the past: ${who} loses access immediately. Disable access now?`
    : `End ${who}'s access on ${at}?`;
  if (!confirm(ask)) return;
  // Reads the user and saves it back with access_expires (the reference's case process 2).
  editUser(`Disabling access at ${at} …`, () => lockt.users.disable(current, { at }), `Access ends on ${at}.`);
}

// ── new user form: validateUser on every keystroke ─────────────────────

const FORM_FIELDS = ["first_name", "last_name", "id_num", "email", "phone", "card_num", "pin", "access_effective", "access_expires"];
const touched = new Set();
let lastDateTyped = "access_effective";
const inputOf = (field) => (field === "accesslevels" ? $("#f-accesslevel") : $(`#f-${field}`));

function formUser() {
  const user = {};
  for (const field of FORM_FIELDS) {
    const value = $(`#f-${field}`).value.trim();
    if (value) user[field] = value;
  }
  user.enabled = $("#f-enabled").checked;
  const level = $("#f-accesslevel").value;
  if (level) user.accesslevels = [{ name: level }];
  return user;
}

function checkForm() {
  const user = formUser();
  const issues = validateUser(user);
  // The date order concerns both dates: show it on the one typed last.
  if (issues.access_effective?.some((i) => i.code === "date_order") && lastDateTyped === "access_expires") {
    issues.access_expires = [...(issues.access_expires ?? []), ...issues.access_effective.filter((i) => i.code === "date_order")];
    issues.access_effective = issues.access_effective.filter((i) => i.code !== "date_order");
    if (!issues.access_effective.length) delete issues.access_effective;
  }
  const hidden = [];
  for (const field of [...FORM_FIELDS, "accesslevels"]) {
    const list = issues[field] ?? [];
    const show = list.length > 0 && touched.has(field);
    setFieldError(inputOf(field), $(`#e-${field}`), show ? list.map((i) => fieldMessage(i)).join(" ") : "", list.map((i) => i.message).join(" "));
    if (list.length && !show) hidden.push(...list.map((i) => fieldMessage(i)));
  }
  // Issues of the record as a whole, or of fields without an input.
  for (const [field, list] of Object.entries(issues)) {
    if (!FORM_FIELDS.includes(field) && field !== "accesslevels") hidden.push(...list.map((i) => fieldMessage(i)));
  }
  for (const field of ["access_effective", "access_expires"]) {
    const value = $(`#f-${field}`).value.trim();
    $(`#s-${field}`).textContent = value && !issues[field] ? sentForm(value) : "";
  }
  const count = Object.values(issues).reduce((n, list) => n + list.length, 0);
  $("#create-user").disabled = count > 0 || !lockt;
  $("#user-form-summary").textContent = count ? `Create is disabled until the form is valid. ${hidden.join(" ")}`.trim() : "Ready to create.";
  return count === 0 ? user : null;
}

async function createUser(event) {
  event.preventDefault();
  for (const field of FORM_FIELDS) touched.add(field);
  const user = checkForm();
  if (!user || !lockt) return; // nothing is sent while a field is invalid
  const status = $("#user-form-status");
  const box = $("#user-form-error");
  clearError(box);
  $("#create-user").disabled = true;
  setStatus(status, "Creating …");
  try {
    const report = await lockt.users.save([user], {});
    const record = report.records[0];
    if (record.status === "rejected") {
      // Put each of the API's reasons on the field it names; the rest in the form's box.
      const loose = [];
      for (const message of record.messages) {
        const field = fieldOfApiMessage(message);
        if (field && inputOf(field)) setFieldError(inputOf(field), $(`#e-${field}`), fieldMessage({ field, message }), message);
        else loose.push(message);
      }
      if (loose.length) showError(box, { kind: "validation", message: loose.join("; ") });
      setStatus(status, "Not created: the API refused it (see the fields above).");
      return;
    }
    if (record.status !== "committed") {
      // Unanswered or never sent: a connection problem, not the data.
      showError(box, report.stoppedBy ?? { kind: "network", message: record.messages.join("; ") });
      setStatus(status, record.status === "unknown" ? "Not confirmed: the user may or may not have been created. Look it up before trying again." : "Not created: nothing was sent. Try again when the connection is back.");
      return;
    }
    if (report.summary.inserted === 0) {
      // The API ignores a valid record that matches an existing user (update_existing false).
      setStatus(status, "Not created: a user with this ID number or email already exists.");
      return;
    }
    setStatus(status, `Created ${userName(user) || user.id_num}.`, true);
    $("#user-form").reset();
    touched.clear();
    await loadUsers();
    // Show the new user in the list.
    $("#user-search").value = user.id_num ?? user.email ?? userName(user);
    filterUsers();
  } catch (error) {
    showError(box, error);
    setStatus(status, "");
  } finally {
    $("#create-user").disabled = !lockt;
  }
}

// ── bulk import ─────────────────────────────────────────────────────────

// users: the parsed rows; rows: their spreadsheet rows; blocked: index → why it is not sent;
// outcomes: index → { outcome, messages } once imported (see messages.js, recordOutcome).
const imported = { users: [], rows: [], blocked: new Map(), outcomes: new Map(), summary: null, controller: null, fileName: "" };

/** Why a row's access levels cannot be resolved against the loaded list, or null. */
function levelProblem(user) {
  const problems = [];
  for (const level of user.accesslevels ?? []) {
    if (level.name !== undefined) {
      const name = String(level.name).trim();
      const found = accessLevels.filter((l) => (l.name ?? "").trim().toLowerCase() === name.toLowerCase());
      if (found.length === 0) problems.push(`The access level “${name}” does not exist.`);
      else if (found.length > 1) problems.push(`The access level name “${name}” is used by ${found.length} levels: give its id instead.`);
    } else if (level.id !== undefined && !accessLevels.some((l) => String(l.id) === String(level.id))) {
      problems.push(`There is no access level #${level.id}.`);
    }
  }
  return problems.length ? problems.join(" ") : null;
}

async function chooseFile() {
  const file = $("#csv-file").files[0];
  const box = $("#import-error");
  clearError(box);
  $("#import-report").hidden = true;
  if (!file) return;
  const text = await file.text();
  let parsed;
  try {
    parsed = parseUsersCsv(text);
  } catch (error) {
    showError(box, error);
    return;
  }
  imported.users = parsed.users;
  imported.rows = parsed.rows;
  imported.fileName = file.name;
  imported.outcomes = new Map();
  const validation = validateUsers(parsed.users);
  const issuesByIndex = new Map(validation.invalid.map((r) => [r.index, r.issues]));
  imported.blocked = new Map();
  parsed.users.forEach((user, index) => {
    const problem = !issuesByIndex.has(index) && accessLevels.length ? levelProblem(user) : null;
    if (problem) imported.blocked.set(index, problem);
  });
  const csvIssuesByRow = new Map();
  for (const issue of parsed.issues) {
    csvIssuesByRow.set(issue.row, [...(csvIssuesByRow.get(issue.row) ?? []), issue.message]);
  }
  const tbody = $("#import-table tbody");
  const header = parsed.issues.filter((i) => !parsed.rows.includes(i.row));
  tbody.replaceChildren(
    ...header.map((i) => h("tr", { className: "bad" }, h("td", { className: "num" }, i.row), h("td", { colSpan: 3 }, i.field), h("td", {}, i.message))),
    ...parsed.users.map((user, index) => {
      const row = parsed.rows[index];
      const messages = [
        ...(csvIssuesByRow.get(row) ?? []),
        ...(issuesByIndex.get(index) ?? []).map((i) => fieldMessage(i, true)),
        imported.blocked.get(index),
      ].filter(Boolean);
      const bad = issuesByIndex.has(index) || imported.blocked.has(index);
      return h("tr", { className: bad ? "bad" : "", "data-row": row },
        h("td", { className: "num" }, row),
        h("td", {}, userName(user)),
        h("td", {}, user.id_num ?? ""),
        h("td", {}, user.email ?? ""),
        h("td", {}, bad ? messages.join(" ") : ["OK", ...messages].join("; ")),
      );
    }),
  );
  labelCells($("#import-table"));
  const valid = validation.valid.length - imported.blocked.size;
  const invalid = parsed.users.length - valid;
  setStatus($("#import-summary"), `${file.name}: ${parsed.users.length} rows, ${valid} valid, ${invalid} with problems${parsed.issues.length ? `, ${parsed.issues.length} file issues` : ""}. Rows with problems are not sent.`);
  const progress = $("#import-progress");
  progress.max = Math.max(1, valid);
  progress.value = 0;
  $("#import-progress-text").textContent = "";
  $("#import-start").disabled = valid === 0;
  $("#import-preview").hidden = false;
}

/**
 * Imports the rows at `indices` (input indices) and merges their outcomes into the report;
 * `blocked` (index → why) are rows the preview kept back, reported as rejected.
 */
async function runImport(indices, blocked = new Map()) {
  if (!lockt || !indices.length) return;
  const box = $("#import-error");
  clearError(box);
  const progress = $("#import-progress");
  const text = $("#import-progress-text");
  const updateExisting = $("#import-update").checked;
  imported.controller = new AbortController();
  const { signal } = imported.controller;
  for (const id of ["#import-start", "#import-retry", "#csv-file"]) $(id).disabled = true;
  $("#import-cancel").disabled = false;
  progress.value = 0;
  text.textContent = "Starting …";
  try {
    // Who exists before the import tells "unchanged" from "new" among the committed rows.
    const before = await lockt.users.list({ signal });
    const existing = new Set(before.flatMap((u) => [u.id_num && `id:${u.id_num}`, u.email && `email:${u.email.toLowerCase()}`]).filter(Boolean));
    const report = await lockt.users.save(indices.map((i) => imported.users[i]), {
      validateFailsBatch: false, // send the valid rows, report the others
      updateExisting,
      signal,
      onProgress: ({ batch, batches, sent, total, waiting }) => {
        progress.max = Math.max(1, total);
        progress.value = sent;
        const done = `${sent} of ${total} sent (call ${batch} of ${batches}) · ${Math.round((100 * sent) / Math.max(1, total))} %`;
        // `waiting`: the API is busy with another writer's change (429); the SDK waits its turn.
        text.textContent = waiting ? `${done} · waiting for another change to finish …` : done;
      },
    });
    for (const record of report.records) {
      const user = imported.users[indices[record.index]];
      const existed = existing.has(`id:${user.id_num}`) || (user.email && existing.has(`email:${String(user.email).toLowerCase()}`));
      imported.outcomes.set(indices[record.index], recordOutcome(record, { existed, updateExisting }));
    }
    for (const [index, why] of blocked) imported.outcomes.set(index, { outcome: "rejected", messages: [`Not sent: ${why}`] });
    imported.summary = report.summary;
    const cancelled = signal.aborted || report.stoppedBy?.kind === "aborted";
    showReport(cancelled);
    if (report.stoppedBy && !cancelled) showError(box, report.stoppedBy);
    await loadUsers().catch(() => {});
  } catch (error) {
    if (signal.aborted) setStatus($("#import-summary"), "Import cancelled before anything was sent.");
    else showError(box, error);
  } finally {
    imported.controller = null;
    $("#import-cancel").disabled = true;
    $("#csv-file").disabled = false;
    $("#import-start").disabled = imported.outcomes.size > 0; // a file is imported once; Retry sends the rest
    $("#import-retry").disabled = false;
  }
}

function startImport() {
  // Rows that fail validation go too: the SDK reports them rejected without sending them.
  const indices = imported.users.map((_, i) => i).filter((i) => !imported.blocked.has(i));
  runImport(indices, imported.blocked);
}

function retryImport() {
  const indices = [...imported.outcomes].filter(([, o]) => o.outcome === "unknown" || o.outcome === "notSent").map(([i]) => i);
  runImport(indices);
}

/** The counts, the table of rows that need a look, and the CSV of every row. */
function showReport(cancelled) {
  const rowOf = (index) => imported.rows[index] ?? index + 2;
  const count = (outcome) => [...imported.outcomes.values()].filter((o) => o.outcome === outcome).length;
  const saved = count("saved");
  const notSent = count("notSent");
  const unknown = count("unknown");
  const s = imported.summary;
  const item = (outcome, n, text) => h("li", { className: n ? outcome : `${outcome} zero` }, `${n} ${text}`);
  $("#import-counts").replaceChildren(
    item("committed", saved, "saved"),
    item("unchanged", count("unchanged"), "unchanged: already held as sent"),
    item("ignored", count("ignored"), "ignored: exists and Update existing is off"),
    item("rejected", count("rejected"), "rejected"),
    item("notSent", notSent, "not sent"),
    ...(unknown ? [item("unknown", unknown, "unknown (not confirmed by the API)")] : []),
  );
  $("#import-api-counts").textContent = s
    ? `The API's counts for the last run: ${s.submitted} submitted, ${s.inserted} inserted, ${s.updated} updated, ${s.errors} with errors.`
    : "";
  setStatus($("#import-outcome"), cancelled ? `Import cancelled: ${saved + count("unchanged")} saved, ${notSent} not sent${unknown ? `, ${unknown} unknown` : ""}.` : "");
  $("#import-retry").hidden = notSent + unknown === 0;
  const problems = [...imported.outcomes].filter(([, o]) => !["saved", "unchanged"].includes(o.outcome)).sort(([a], [b]) => a - b);
  $("#report-table tbody").replaceChildren(
    ...problems.map(([index, o]) =>
      h("tr", { className: "bad" },
        h("td", { className: "num" }, rowOf(index)),
        h("td", {}, OUTCOME_TEXT[o.outcome]),
        h("td", {}, imported.users[index]?.id_num ?? ""),
        h("td", {}, o.messages.join("; ")),
      ),
    ),
  );
  if (!problems.length) $("#report-table tbody").append(h("tr", {}, h("td", { colSpan: 4 }, "Every row is saved or unchanged.")));
  labelCells($("#report-table"));
  const csv = toCsv([
    ["row", "status", "id_num", "first_name", "last_name", "email", "messages"],
    ...[...imported.outcomes].sort(([a], [b]) => a - b).map(([index, o]) => {
      const u = imported.users[index] ?? {};
      return [rowOf(index), OUTCOME_TEXT[o.outcome], u.id_num, u.first_name, u.last_name, u.email, o.messages.join("; ")];
    }),
  ]);
  const link = $("#import-download");
  if (link.href.startsWith("blob:")) URL.revokeObjectURL(link.href);
  link.href = URL.createObjectURL(new Blob([csv], { type: "text/csv" }));
  $("#import-report").hidden = false;
}

// ── doors, access levels, schedules, credentials ───────────────────────

function loadDoors() {
  return section("#doors-error", async () => {
    const [doors, states] = await Promise.all([lockt.doors.list({}), lockt.doors.states({})]);
    doorRows.doors = doors;
    doorRows.battery = new Map(states.map((s) => [s.id, s.battery_level]));
    renderDoors();
  });
}

function renderDoors() {
  const { doors, battery } = doorRows;
  const level = (d) => (typeof battery.get(d.id) === "number" ? battery.get(d.id) : Infinity);
  const sorted = $("#doors-sort").value === "battery" ? [...doors].sort((a, b) => level(a) - level(b)) : doors;
  const low = doors.filter((d) => level(d) < LOW_BATTERY).sort((a, b) => level(a) - level(b));
  $("#doors-low").textContent = low.length
    ? `${low.length} ${low.length === 1 ? "door has" : "doors have"} a battery under 25 %: ${low.map((d) => `${d.name ?? `#${d.id}`} (${Math.round(level(d) * 100)} %)`).join(", ")}.`
    : "No door has a battery under 25 %.";
  $("#doors-low").classList.toggle("warn", low.length > 0);
  $("#doors-table tbody").replaceChildren(
    ...sorted.map((d) =>
      h("tr", { className: level(d) < LOW_BATTERY ? "low" : "" },
        h("td", {}, d.name ?? `#${d.id}`),
        h("td", {}, d.location ?? ""),
        h("td", {}, d.enabled === false ? "No" : "Yes"),
        h("td", {}, batteryBar(battery.get(d.id))),
      ),
    ),
  );
  labelCells($("#doors-table"));
}

function batteryBar(level) {
  if (typeof level !== "number") return h("span", { className: "hint" }, "n/a");
  const pct = Math.round(Math.max(0, Math.min(1, level)) * 100);
  const fill = h("span", { className: `fill${pct < 25 ? " low" : pct < 50 ? " mid" : ""}` });
  fill.style.width = `${pct}%`;
  return h("span", { className: "battery" },
    h("span", { className: "bar", role: "img", "aria-label": `Battery ${pct} %` }, fill),
    h("span", { className: "pct", "aria-hidden": "true" }, `${pct} %`),
  );
}

function loadAccessLevels() {
  return section("#levels-error", async () => {
    accessLevels = await lockt.accessLevels.list({});
    $("#levels-list").replaceChildren(
      ...accessLevels.map((l) =>
        h("li", {},
          h("span", { className: "name" }, levelName(l)), " ", h("span", { className: "id" }, `#${l.id}`),
          h("div", {}, (l.doors ?? []).length ? l.doors.map((d) => h("span", { className: "chip" }, d.name ?? `#${d.id}`)) : h("span", { className: "hint" }, "No doors")),
        ),
      ),
    );
    const named = accessLevels.filter((l) => l.name);
    for (const select of [$("#f-accesslevel"), $("#assign-level")]) {
      const keep = select.value;
      select.replaceChildren(
        h("option", { value: "" }, select.id === "f-accesslevel" ? "None" : "Choose a level"),
        ...named.map((l) => h("option", { value: l.name }, l.name)),
      );
      select.value = keep;
    }
  });
}

const DAYS = ["d0", "d1", "d2", "d3", "d4", "d5", "d6"];
const DAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

function loadSchedules() {
  return section("#schedules-error", async () => {
    const schedules = await lockt.schedules.list({});
    $("#schedules-table tbody").replaceChildren(
      ...schedules.map((s) =>
        h("tr", {},
          h("th", { scope: "row" }, s.name ?? `#${s.id}`),
          ...DAYS.map((d, i) =>
            h("td", { className: "day" },
              h("span", { className: Number(s[d]) === 1 ? "on" : "off", "aria-hidden": "true" }),
              h("span", { className: "sr-only" }, `${DAY_NAMES[i]}: ${Number(s[d]) === 1 ? "on" : "off"}`),
            ),
          ),
          h("td", { className: "num" }, s.start && s.stop ? `${s.start.slice(0, 5)}–${s.stop.slice(0, 5)}` : ""),
        ),
      ),
    );
    labelCells($("#schedules-table"));
  });
}

function loadCredentials() {
  return section("#credentials-error", async () => {
    const [summary, list] = await Promise.all([lockt.credentials.summary({}), lockt.credentials.list({})]);
    const claimed = summary.claimed ?? 0;
    const unclaimed = summary.unclaimed ?? 0;
    const total = summary.total ?? claimed + unclaimed;
    const part = (cls, n) => {
      const el = h("span", { className: cls });
      el.style.width = `${total ? (100 * n) / total : 0}%`;
      return el;
    };
    $("#cred-summary").replaceChildren(
      h("span", {}, h("span", { className: "count" }, claimed), " claimed"),
      h("span", {}, h("span", { className: "count" }, unclaimed), " unclaimed"),
      h("span", {}, h("span", { className: "count" }, total), " total"),
      h("span", { className: "stack", role: "img", "aria-label": `${claimed} of ${total} claimed` }, part("claimed", claimed), part("unclaimed", unclaimed)),
    );
    creds.all = list;
    creds.page = 0;
    renderCredentials();
  });
}

function renderCredentials() {
  const filter = $("#cred-filter").value;
  const shown = filter ? creds.all.filter((c) => (c.claim_status === "Claimed") === (filter === "Claimed")) : creds.all;
  const pages = Math.max(1, Math.ceil(shown.length / PAGE_SIZE));
  creds.page = Math.min(creds.page, pages - 1);
  $("#cred-table tbody").replaceChildren(
    ...shown.slice(creds.page * PAGE_SIZE, (creds.page + 1) * PAGE_SIZE).map((c) =>
      h("tr", {},
        h("td", { className: "num" }, c.id),
        h("td", { className: "num" }, c.card_num ?? ""),
        h("td", {}, h("code", {}, c.credential_key ?? "")),
        h("td", {}, c.claim_status ?? ""),
        h("td", {}, c.user?.name ?? ""),
      ),
    ),
  );
  labelCells($("#cred-table"));
  $("#cred-page").textContent = `Page ${creds.page + 1} of ${pages} · ${shown.length} credentials`;
  $("#cred-prev").disabled = creds.page === 0;
  $("#cred-next").disabled = creds.page >= pages - 1;
}

// ── events: the live tail ───────────────────────────────────────────────

let tail = null; // { controller, cursor }
let paused = false;

function eventRow(e, fresh) {
  return h("tr", { className: fresh ? "fresh" : "", "data-id": e.id },
    h("td", { className: "num" }, e.id),
    h("td", {}, formatTime(e.hw_time ?? e.event_time ?? e.db_time)),
    h("td", {}, [e.code_text ?? e.code, e.subcode_text].filter(Boolean).join(" · ")),
    h("td", {}, e.device ?? ""),
    h("td", {}, e.user ?? ""),
    h("td", { className: "num" }, e.card_num ?? ""),
  );
}

function addEvents(events, fresh) {
  const tbody = $("#events-table tbody");
  // Newest first.
  const rows = [...events].sort((a, b) => b.id - a.id).map((e) => eventRow(e, fresh));
  tbody.prepend(...rows);
  while (tbody.rows.length > EVENTS_SHOWN) tbody.lastElementChild.remove();
  labelCells($("#events-table"));
}

async function startEvents(signal) {
  stopTail();
  await section("#events-error", async () => {
    const latest = await lockt.events.list({ signal });
    const cursor = latest.reduce((max, e) => Math.max(max, e.id), 0);
    $("#events-table tbody").replaceChildren();
    addEvents(latest.slice(0, EVENTS_SHOWN), false);
    tail = { controller: null, cursor };
    if (!paused) runTail(signal);
  });
}

/** The Events badge: live, paused, or connection lost. */
function setTailState() {
  const live = Boolean(tail?.controller);
  const pill = $("#tail-state");
  pill.textContent = health.lost ? "connection lost – retrying" : live ? "live" : "paused";
  pill.classList.toggle("live", live && !health.lost);
  pill.classList.toggle("lost", health.lost);
  $("#events-cursor").textContent = tail ? `after event #${tail.cursor}` : "";
}

function stopTail() {
  tail?.controller?.abort();
  if (tail) tail.controller = null;
}

async function runTail(sessionSignal) {
  const controller = new AbortController();
  tail.controller = controller;
  sessionSignal.addEventListener("abort", () => controller.abort(), { once: true });
  const { signal } = controller;
  setTailState();
  const box = $("#events-error");
  try {
    const onGap = ({ from, to }) =>
      showNotice(box, `Events #${from} to #${to} may have been lost: the API keeps only the newest 5,000 events.`);
    for await (const event of lockt.events.tail({ after: tail.cursor, intervalMs: 1000, signal, onGap })) {
      tail.cursor = Math.max(tail.cursor, event.id);
      addEvents([event], true);
      setTailState();
    }
  } catch (error) {
    if (!signal.aborted && error?.kind !== "aborted") showError(box, error);
  }
  if (tail?.controller === controller) {
    tail.controller = null;
    setTailState();
  }
}

function toggleTail() {
  const button = $("#tail-toggle");
  if (!tail) return;
  if (tail.controller) {
    paused = true;
    stopTail();
    setTailState();
  } else {
    paused = false;
    clearError($("#events-error"));
    runTail(session.signal);
  }
  button.textContent = paused ? "Resume live tail" : "Pause live tail";
  button.setAttribute("aria-pressed", String(paused));
}

// ── wiring ──────────────────────────────────────────────────────────────

function wire() {
  $("#connect-form").addEventListener("submit", (event) => {
    event.preventDefault();
    connect();
  });
  $("#user-search").addEventListener("input", filterUsers);
  $("#users-prev").addEventListener("click", () => { users.page--; renderUsers(); });
  $("#users-next").addEventListener("click", () => { users.page++; renderUsers(); });
  $("#lookup-form").addEventListener("submit", lookup);
  $("#assign-form").addEventListener("submit", assignLevel);
  $("#disable-form").addEventListener("submit", disableAccess);
  $("#disable-at").addEventListener("input", describeDisableDate);

  const form = $("#user-form");
  form.addEventListener("input", (event) => {
    const name = event.target.name === "accesslevel" ? "accesslevels" : event.target.name;
    if (name) touched.add(name);
    if (name === "access_effective" || name === "access_expires") lastDateTyped = name;
    checkForm();
  });
  form.addEventListener("change", () => checkForm());
  form.addEventListener("reset", () => setTimeout(() => { touched.clear(); checkForm(); }));
  form.addEventListener("submit", createUser);

  $("#csv-file").addEventListener("change", chooseFile);
  $("#import-start").addEventListener("click", startImport);
  $("#import-retry").addEventListener("click", retryImport);
  $("#import-cancel").addEventListener("click", () => imported.controller?.abort());

  $("#import-only-bad").addEventListener("change", (event) => $("#import-table").classList.toggle("only-bad", event.target.checked));
  $("#doors-sort").addEventListener("change", renderDoors);
  $("#cred-filter").addEventListener("change", () => { creds.page = 0; renderCredentials(); });
  $("#cred-prev").addEventListener("click", () => { creds.page--; renderCredentials(); });
  $("#cred-next").addEventListener("click", () => { creds.page++; renderCredentials(); });
  $("#tail-toggle").addEventListener("click", toggleTail);
  $("#events-time-h").textContent = `Time (${ZONE})`;
}

async function main() {
  watchFetch();
  prefill();
  wire();
  try {
    await init();
  } catch (error) {
    showError($("#connection-error"), { kind: "internal", message: `The SDK's wasm module could not be loaded: ${error?.message ?? error}` });
    return;
  }
  $("#sdk-version").textContent = `v${sdk.version()}`;
  checkForm();
  await connect();
  checkForm();
  document.body.dataset.ready = "true";
}

main();
