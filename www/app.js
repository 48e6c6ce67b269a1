// The sample portal: every section is a few calls of the lockt-secureaccess SDK.
// Plain ES module, no build step; ./lib/ is the package's browser build.
import * as sdk from "./lib/index.js";
import { toCsv } from "./csv.js";

const { init, LocktClient, parseUsersCsv, validateUser, validateUsers } = sdk;

// The sandbox's public example pair (see sandbox/README.md). Never real keys.
const SANDBOX = { apiUser: "9r8ehveyb5h8mnwwet4yf9ugjynz8pkn", apiKey: "hqx7wde64vwe987fvg6q4zaautrs3p7j" };
const PAGE_SIZE = 10;
const EVENTS_SHOWN = 200;

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

// ── errors, for people ──────────────────────────────────────────────────

const TITLES = {
  config: "Invalid connection settings",
  auth: "Authentication failed",
  bad_request: "The API did not accept the request",
  validation: "Some records were rejected",
  not_found: "Not found",
  rate_limited: "The API is busy",
  server: "The Lockt service failed",
  network: "Could not reach the API",
  timeout: "The API did not answer in time",
  aborted: "Cancelled",
  decode: "Unexpected answer from the API",
  internal: "Unexpected error in the SDK",
};

/** "Authentication failed (auth): The API refused the credentials ..." */
function describe(error) {
  const kind = typeof error?.kind === "string" ? error.kind : "internal";
  const message = error?.message || String(error);
  return { kind, title: TITLES[kind] ?? "Error", message, text: `${TITLES[kind] ?? "Error"} (${kind}): ${message}` };
}

function showError(box, error) {
  const { kind, title, message } = describe(error);
  box.replaceChildren(h("strong", {}, title), " ", h("span", { className: "kind" }, `(${kind})`), `: ${message}`);
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

// ── state ───────────────────────────────────────────────────────────────

let lockt = null;
let session = null; // AbortController of the current connection (stops the tail)
let accessLevels = [];
const users = { all: [], shown: [], page: 0 };
const creds = { all: [], page: 0 };

// ── connection ──────────────────────────────────────────────────────────

// Proxy mode: `?proxy=/lockt`, or the page's `lockt-proxy` meta tag, which a proxy serving the
// page fills in (examples/proxy.mjs does). The proxy adds the API credentials; the page holds
// none, only the portal's own session token.
const proxyMeta = document.querySelector('meta[name="lockt-proxy"]');
const proxy = new URLSearchParams(location.search).get("proxy") || proxyMeta?.content || null;
const sessionPath = proxyMeta?.content ? proxyMeta.dataset.session ?? null : null;

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
}

async function connect() {
  session?.abort();
  session = new AbortController();
  const errorBox = $("#connection-error");
  clearError(errorBox);
  const options = { baseUrl: $("#base-url").value.trim() };
  if (proxy && sessionPath) {
    // The proxy wants the portal's own session (an HttpOnly cookie) before any API call.
    const token = $("#api-key").value;
    if (!token) {
      setStatus($("#connection-status"), "Enter your portal session token to connect");
      return;
    }
    const answer = await fetch(sessionPath, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ token }) });
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
  setStatus($("#connection-status"), `Connecting to ${options.baseUrl} …`);
  const signal = session.signal;
  const results = await Promise.allSettled([
    loadUsers(),
    loadAccessLevels(),
    loadDoors(),
    loadSchedules(),
    loadCredentials(),
    startEvents(signal),
  ]);
  if (signal.aborted) return;
  const failed = results.find((r) => r.status === "rejected");
  if (failed) {
    showError(errorBox, failed.reason);
    setStatus($("#connection-status"), "Not connected");
  } else {
    setStatus($("#connection-status"), `Connected to ${options.baseUrl}`, true);
  }
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

// ── users: list, search, paging, lookup ─────────────────────────────────

function userName(user) {
  if (user.first_name || user.last_name) return [user.first_name, user.last_name].filter(Boolean).join(" ");
  return user.name ?? "";
}

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
        h("td", {}, u.enabled === false ? "No" : "Yes"),
        h("td", {}, (u.accesslevels ?? []).map((l) => h("span", { className: "chip" }, l.name ?? `#${l.id}`))),
        h("td", {}, shortDate(u.access_expires)),
        h("td", {}, h("button", { type: "button", className: "link", onclick: () => showUser(u), "aria-label": `Open ${userName(u) || u.id}` }, "Open")),
      ),
    ),
  );
  if (!slice.length) $("#users-table tbody").append(h("tr", {}, h("td", { colSpan: 9 }, "No users match.")));
  $("#users-page").textContent = `Page ${users.page + 1} of ${pages} · ${users.shown.length} users`;
  $("#users-prev").disabled = users.page === 0;
  $("#users-next").disabled = users.page >= pages - 1;
}

function shortDate(value) {
  return value ? String(value).slice(0, 10) : "";
}

async function lookup(event) {
  event.preventDefault();
  const box = $("#users-error");
  clearError(box);
  const by = $("#lookup-by").value;
  const value = $("#lookup-value").value.trim();
  if (!lockt || !value) return;
  try {
    let user;
    if (by === "id") {
      if (!/^\d+$/.test(value)) throw Object.assign(new Error("A system id is a whole number"), { kind: "config" });
      user = await lockt.users.get(Number(value), {});
    } else {
      user = await lockt.users.getByIdNum(value, {});
    }
    if (!user) {
      showError(box, { kind: "not_found", message: `No user with ${by === "id" ? "id" : "ID number"} ${value}` });
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
  current = user;
  const rows = [
    ["System id", user.id],
    ["Name", userName(user)],
    ["ID number", user.id_num],
    ["Email", user.email],
    ["Phone", user.phone],
    ["Card", user.card_num],
    ["Registration key", user.credential_key],
    ["Enabled", user.enabled === false ? "No" : "Yes"],
    ["Access starts", user.access_effective],
    ["Access ends", user.access_expires],
    ["Access levels", (user.accesslevels ?? []).map((l) => l.name ?? `#${l.id}`).join(", ") || "none"],
  ];
  $("#user-detail-h").textContent = `User ${userName(user) || user.id}`;
  $("#user-detail-fields").replaceChildren(...rows.flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v ?? "")]));
  setStatus($("#user-detail-status"), "");
  $("#disable-at").value ||= new Date().toISOString().slice(0, 10);
  const detail = $("#user-detail");
  detail.hidden = false;
  detail.focus();
}

/** Reads the user back and refreshes the detail panel and the list. */
async function refreshUser(user) {
  const fresh = await lockt.users.get(user.id, {});
  if (fresh) {
    showUser(fresh);
    const i = users.all.findIndex((u) => u.id === fresh.id);
    if (i >= 0) users.all[i] = fresh;
    renderUsers();
  }
}

// Case process 1: assign an access level picked by name.
async function assignLevel(event) {
  event.preventDefault();
  if (!current) return;
  const status = $("#user-detail-status");
  const name = $("#assign-level").value;
  const replace = $("#assign-replace").checked;
  setStatus(status, `Assigning ${name} …`);
  try {
    // Names are resolved to ids by the SDK; an unknown name is an error.
    await lockt.users.assignAccessLevels(current, [name], { replace });
    await refreshUser(current);
    setStatus(status, `Assigned ${name}.`, true);
  } catch (error) {
    setStatus(status, describe(error).text);
  }
}

// Case process 2: disable a user's access at a date.
async function disableAccess(event) {
  event.preventDefault();
  if (!current) return;
  const status = $("#user-detail-status");
  const at = $("#disable-at").value;
  setStatus(status, `Disabling access at ${at} …`);
  try {
    // Reads the user and saves it back with access_expires (the reference's case process 2).
    await lockt.users.disable(current, { at });
    await refreshUser(current);
    setStatus(status, `Access ends on ${at}.`, true);
  } catch (error) {
    setStatus(status, describe(error).text);
  }
}

// ── new user form: validateUser on every keystroke ─────────────────────

const FORM_FIELDS = ["first_name", "last_name", "id_num", "email", "phone", "card_num", "pin", "access_effective", "access_expires"];
const touched = new Set();

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
  const hidden = [];
  for (const field of [...FORM_FIELDS, "accesslevels"]) {
    const input = field === "accesslevels" ? $("#f-accesslevel") : $(`#f-${field}`);
    const messages = (issues[field] ?? []).map((i) => i.message);
    const show = messages.length > 0 && touched.has(field);
    $(`#e-${field}`).textContent = show ? messages.join(" ") : "";
    input.setAttribute("aria-invalid", String(show));
    if (show) input.setAttribute("aria-describedby", `e-${field}`);
    else input.removeAttribute("aria-describedby");
    if (messages.length && !show) hidden.push(...messages);
  }
  // Issues of the record as a whole, or of fields without an input.
  for (const [field, list] of Object.entries(issues)) {
    if (!FORM_FIELDS.includes(field) && field !== "accesslevels") hidden.push(...list.map((i) => i.message));
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
    if (record.status !== "committed") {
      showError(box, { kind: "validation", message: record.messages.join("; ") || `The user was ${record.status}` });
      setStatus(status, "");
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
    checkForm();
  }
}

// ── bulk import ─────────────────────────────────────────────────────────

const imported = { users: [], rows: [], controller: null };

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
  const validation = validateUsers(parsed.users);
  const issuesByIndex = new Map(validation.invalid.map((r) => [r.index, r.issues]));
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
      const messages = [...(csvIssuesByRow.get(row) ?? []), ...(issuesByIndex.get(index) ?? []).map((i) => i.message)];
      const bad = issuesByIndex.has(index);
      return h("tr", { className: bad ? "bad" : "", "data-row": row },
        h("td", { className: "num" }, row),
        h("td", {}, userName(user)),
        h("td", {}, user.id_num ?? ""),
        h("td", {}, user.email ?? ""),
        h("td", {}, bad ? messages.join("; ") : ["OK", ...messages].join("; ")),
      );
    }),
  );
  const valid = validation.valid.length;
  const invalid = validation.invalid.length;
  setStatus($("#import-summary"), `${file.name}: ${parsed.users.length} rows, ${valid} valid, ${invalid} with problems${parsed.issues.length ? `, ${parsed.issues.length} file issues` : ""}. Rows with problems are not sent.`);
  const progress = $("#import-progress");
  progress.max = Math.max(1, valid);
  progress.value = 0;
  $("#import-progress-text").textContent = "";
  $("#import-start").disabled = valid === 0;
  $("#import-preview").hidden = false;
}

async function startImport() {
  if (!lockt || !imported.users.length) return;
  const box = $("#import-error");
  clearError(box);
  const progress = $("#import-progress");
  const text = $("#import-progress-text");
  imported.controller = new AbortController();
  $("#import-start").disabled = true;
  $("#import-cancel").disabled = false;
  $("#csv-file").disabled = true;
  progress.value = 0;
  text.textContent = "Starting …";
  let done = false;
  try {
    const report = await lockt.users.save(imported.users, {
      validateFailsBatch: false, // send the valid rows, report the others
      updateExisting: $("#import-update").checked,
      signal: imported.controller.signal,
      onProgress: ({ batch, batches, sent, total }) => {
        progress.max = Math.max(1, total);
        progress.value = sent;
        text.textContent = `${sent} of ${total} sent (call ${batch} of ${batches}) · ${Math.round((100 * sent) / Math.max(1, total))} %`;
      },
    });
    showReport(report);
    done = !report.stoppedBy; // choose the file again to re-run it
    if (report.stoppedBy) showError(box, report.stoppedBy);
    await loadUsers().catch(() => {});
  } catch (error) {
    showError(box, error);
  } finally {
    imported.controller = null;
    $("#import-cancel").disabled = true;
    $("#csv-file").disabled = false;
    $("#import-start").disabled = done;
  }
}

const STATUS_TEXT = { committed: "committed", rejected: "rejected", unknown: "unknown", notSent: "not sent" };

function showReport(report) {
  const rowOf = (index) => imported.rows[index] ?? index + 2;
  $("#import-counts").replaceChildren(
    h("li", { className: "committed" }, `${report.committed} committed`),
    h("li", { className: "rejected" }, `${report.rejected} rejected`),
    h("li", { className: "notSent" }, `${report.notSent} not sent`),
    ...(report.unknown ? [h("li", { className: "unknown" }, `${report.unknown} unknown (not confirmed by the API)`)] : []),
    h("li", {}, `${report.total} rows, ${report.calls} calls`),
  );
  const problems = report.records.filter((r) => r.status !== "committed");
  $("#report-table tbody").replaceChildren(
    ...problems.map((r) =>
      h("tr", { className: "bad" },
        h("td", { className: "num" }, rowOf(r.index)),
        h("td", {}, STATUS_TEXT[r.status] ?? r.status),
        h("td", {}, imported.users[r.index]?.id_num ?? ""),
        h("td", {}, r.messages.join("; ")),
      ),
    ),
  );
  if (!problems.length) $("#report-table tbody").append(h("tr", {}, h("td", { colSpan: 4 }, "Every row was committed.")));
  const csv = toCsv([
    ["row", "status", "id_num", "first_name", "last_name", "email", "messages"],
    ...report.records.map((r) => {
      const u = imported.users[r.index] ?? {};
      return [rowOf(r.index), STATUS_TEXT[r.status] ?? r.status, u.id_num, u.first_name, u.last_name, u.email, r.messages.join("; ")];
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
    const battery = new Map(states.map((s) => [s.id, s.battery_level]));
    $("#doors-table tbody").replaceChildren(
      ...doors.map((d) =>
        h("tr", {},
          h("td", {}, d.name ?? `#${d.id}`),
          h("td", {}, d.location ?? ""),
          h("td", {}, d.enabled === false ? "No" : "Yes"),
          h("td", {}, batteryBar(battery.get(d.id))),
        ),
      ),
    );
  });
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
          h("span", { className: "name" }, l.name ?? `#${l.id}`), " ", h("span", { className: "id" }, `#${l.id}`),
          h("div", {}, (l.doors ?? []).length ? l.doors.map((d) => h("span", { className: "chip" }, d.name ?? `#${d.id}`)) : h("span", { className: "hint" }, "No doors")),
        ),
      ),
    );
    const named = accessLevels.filter((l) => l.name);
    for (const select of [$("#f-accesslevel"), $("#assign-level")]) {
      const keep = select.value;
      select.replaceChildren(
        ...(select.id === "f-accesslevel" ? [h("option", { value: "" }, "None")] : []),
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
    h("td", {}, (e.hw_time ?? e.event_time ?? e.db_time ?? "").replace("T", " ").replace(/\.\d+Z$/, "")),
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

function setTailState(live) {
  $("#tail-state").textContent = live ? "live" : "paused";
  $("#tail-state").classList.toggle("live", live);
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
  setTailState(true);
  const box = $("#events-error");
  try {
    const onGap = ({ from, to }) =>
      showNotice(box, `Events #${from} to #${to} may have been lost: the API keeps only the newest 5,000 events.`);
    for await (const event of lockt.events.tail({ after: tail.cursor, intervalMs: 1000, signal, onGap })) {
      tail.cursor = Math.max(tail.cursor, event.id);
      addEvents([event], true);
      setTailState(true);
    }
  } catch (error) {
    if (!signal.aborted && error?.kind !== "aborted") showError(box, error);
  }
  if (tail?.controller === controller) {
    tail.controller = null;
    setTailState(false);
  }
}

function toggleTail() {
  const button = $("#tail-toggle");
  if (!tail) return;
  if (tail.controller) {
    paused = true;
    stopTail();
    setTailState(false);
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

  const form = $("#user-form");
  form.addEventListener("input", (event) => {
    const name = event.target.name === "accesslevel" ? "accesslevels" : event.target.name;
    if (name) touched.add(name);
    checkForm();
  });
  form.addEventListener("change", () => checkForm());
  form.addEventListener("reset", () => setTimeout(() => { touched.clear(); checkForm(); }));
  form.addEventListener("submit", createUser);

  $("#csv-file").addEventListener("change", chooseFile);
  $("#import-start").addEventListener("click", startImport);
  $("#import-cancel").addEventListener("click", () => imported.controller?.abort());

  $("#import-only-bad").addEventListener("change", (event) => $("#import-table").classList.toggle("only-bad", event.target.checked));
  $("#cred-filter").addEventListener("change", () => { creds.page = 0; renderCredentials(); });
  $("#cred-prev").addEventListener("click", () => { creds.page--; renderCredentials(); });
  $("#cred-next").addEventListener("click", () => { creds.page++; renderCredentials(); });
  $("#tail-toggle").addEventListener("click", toggleTail);
}

async function main() {
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
