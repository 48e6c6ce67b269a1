#!/usr/bin/env node
// lockt: the command line of lockt-secureaccess, for the people who run a site's access
// control. Built only on the package's public API and Node's built-ins.
//
//   lockt --help                 the commands
//   lockt <command> --help       one command, with an example
//
// Credentials come from LOCKT_API_USER, LOCKT_API_KEY (or --api-key-file) and LOCKT_BASE_URL,
// never from a command-line value (it would show in `ps`), and are never printed.
// Exit codes: 0 ok, 1 invalid records, a rejected write or nothing found, 2 usage,
// 3 auth, 4 network or timeout, 5 server.
import { once } from "node:events";
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";

const EXIT = { ok: 0, invalid: 1, usage: 2 };

/** Exit code of each `LocktError` kind. */
const KIND_EXIT = {
  validation: 1, bad_request: 1, not_found: 1, aborted: 1,
  config: 2,
  auth: 3,
  network: 4, timeout: 4,
  server: 5, rate_limited: 5, decode: 5, internal: 5,
};

/** A mistake on the command line: exit code 2. */
class UsageError extends Error {}

const GLOBAL_OPTIONS = {
  json: { type: "boolean", help: "JSON on stdout (the default when stdout is not a terminal)" },
  verbose: { type: "boolean", help: "log each API call (method, path, status, duration) on stderr" },
  "api-key-file": { type: "string", value: "FILE", help: "read the API key from FILE instead of LOCKT_API_KEY" },
  help: { type: "boolean", short: "h", help: "show help" },
};

const FILE_NOTE = "FILE is .csv (a header row of the API's field names) or .json (an array of users).";

/** Every command: words, arguments, options, help text with an example, and what it runs. */
const COMMANDS = [
  {
    name: "validate users", args: ["FILE"], offline: true,
    about: `Checks a users file offline. No credentials, nothing sent: prints each problem with the row number a spreadsheet shows, the field and the message, then a summary. Exits 1 when anything is invalid. ${FILE_NOTE}`,
    example: "lockt validate users roster.csv",
    run: validateUsersFile,
  },
  { name: "users list", about: "Lists the card holders.", example: "lockt users list --json > users.json", run: (c) => c.lockt.users.list(), columns: ["id", "id_num", "first_name", "last_name", "email", "card_num", "access_expires", "accesslevels"] },
  { name: "users get", args: ["ID"], about: "Shows the card holder with system id ID. Exits 1 when there is none.", example: "lockt users get 1693", run: (c) => found(c.lockt.users.get(systemId(c.args[0])), `no user with id ${c.args[0]}`) },
  { name: "users find", args: ["IDNUM"], about: "Shows the card holder with an id number, to see who holds a badge. Exits 1 when there is none.", example: "lockt users find ABC123-98765", run: (c) => found(c.lockt.users.getByIdNum(c.args[0]), `no user with id number ${c.args[0]}`) },
  {
    name: "users save", args: ["FILE"],
    options: {
      "update-existing": { type: "boolean", help: "update users that already exist (matched by id_num or email)" },
      strict: { type: "boolean", help: "send nothing while any record is invalid, and stop at the first rejected call" },
      report: { type: "string", value: "FILE", help: "write the full per-record report (JSON) to this file" },
    },
    about: `Saves the users in a file. Sends them in calls of 100, with a progress bar on stderr, and prints the per-record summary. Invalid records are reported and the rest are sent (unless --strict). Exits 1 when any record was not committed. ${FILE_NOTE}`,
    example: "lockt users save roster.csv --update-existing --report save-report.json",
    run: saveUsers,
  },
  {
    name: "users disable", args: ["REF"],
    options: { at: { type: "string", value: "DATE", help: "when access ends (YYYY-MM-DD [HH:MM:SS]); default now" } },
    about: "Disables a card holder, now or at --at. Sets access_expires. REF is a system id (digits) or an id number.",
    example: 'lockt users disable ABC123-98765 --at "2026-12-31 18:00:00"',
    run: (c) => c.lockt.users.disable(userRef(c.args[0]), c.values.at === undefined ? {} : { at: c.values.at }),
  },
  {
    name: "users grant", args: ["REF", "LEVEL..."],
    options: { replace: { type: "boolean", help: "replace the user's access levels instead of adding to them" } },
    about: "Adds access levels, by name or id, to a card holder. REF is a system id (digits) or an id number.",
    example: "lockt users grant ABC123-98765 Housekeeping 512",
    run: (c) => c.lockt.users.assignAccessLevels(userRef(c.args[0]), c.args.slice(1).map((l) => (/^\d+$/.test(l) ? Number(l) : l)), { replace: Boolean(c.values.replace) }),
  },
  { name: "doors list", about: "Lists the doors.", example: "lockt doors list", run: (c) => c.lockt.doors.list() },
  { name: "doors states", about: "Shows each door's state (battery level).", example: "lockt doors states", run: (c) => c.lockt.doors.states() },
  { name: "fobs list", about: "Lists the fobs.", example: "lockt fobs list", run: (c) => c.lockt.fobs.list(), columns: ["id", "id_num", "name", "card_num", "enabled", "access_expires", "user_id", "accesslevels"] },
  { name: "credentials list", about: "Lists the mobile credentials.", example: "lockt credentials list", run: (c) => c.lockt.credentials.list(), columns: ["id", "card_num", "claim_status", "user"] },
  { name: "credentials summary", about: "Counts claimed and unclaimed credentials.", example: "lockt credentials summary", run: (c) => c.lockt.credentials.summary() },
  { name: "access-levels list", about: "Lists the access levels and their doors.", example: "lockt access-levels list", run: (c) => c.lockt.accessLevels.list() },
  { name: "schedules list", about: "Lists the schedules (d0 is Monday).", example: "lockt schedules list", run: (c) => c.lockt.schedules.list() },
  {
    name: "roster plan", args: ["FILE"], options: rosterOptions(),
    about: `Prints the diff between a roster and the live card holders. Who would be created, updated and (with --disable-missing) disabled. Writes nothing. ${FILE_NOTE}`,
    example: "lockt roster plan hr-export.csv --disable-missing",
    run: (c) => roster(c, false),
  },
  {
    name: "roster apply", args: ["FILE"], options: { ...rosterOptions(), yes: { type: "boolean", help: "apply without asking (needed when not on a terminal)" } },
    about: "Applies a roster's diff. Plans as `roster plan` does, prints the diff, asks for confirmation on a terminal (or takes --yes), then applies it with a progress bar. Exits 1 when any change was not committed.",
    example: "lockt roster apply hr-export.csv --disable-missing --yes",
    run: (c) => roster(c, true),
  },
  {
    name: "events tail", options: {
      cursor: { type: "string", value: "FILE", help: "file holding the id of the last event written; resumes from it" },
      interval: { type: "string", value: "MS", help: "milliseconds between polls (default 1000)" },
    },
    about: "Follows the event log as NDJSON. One JSON event per line on stdout, each once, in order. Lost events (the API keeps the newest 5,000) are reported on stderr as gaps. Ctrl-C stops it cleanly with the cursor saved; run it again to resume. Without a saved cursor it starts at the newest event.",
    example: "lockt events tail --cursor /var/lib/lockt/events.cursor >> events.ndjson",
    run: tailEvents,
  },
];

function rosterOptions() {
  return {
    key: { type: "string", value: "id_num|email", help: "the field that pairs roster rows with users: id_num (default) or email" },
    "disable-missing": { type: "boolean", help: "disable live users missing from the roster" },
  };
}

// ── entry ────────────────────────────────────────────────────────────────

let sdk; // the package, loaded only by commands that need it (help stays fast)

// A reader that goes away (`lockt users list | head`) ends the output, not with a crash.
process.stdout.on("error", (e) => {
  if (e.code !== "EPIPE") throw e;
  process.exit(process.exitCode ?? EXIT.ok);
});

async function main(argv) {
  const words = commandWords(argv);
  if (argv.includes("--version")) return print(`${packageVersion()}\n`);
  if (words[0] === "help") return help(words.slice(1), process.stdout, EXIT.ok);
  const command = COMMANDS.find((c) => c.name === words.slice(0, 2).join(" "));
  const wantsHelp = argv.includes("--help") || argv.includes("-h");
  if (!command) {
    const group = words.length === 1 && COMMANDS.some((c) => c.name.startsWith(`${words[0]} `));
    if (wantsHelp) return help(words, process.stdout, EXIT.ok);
    if (words.length === 0 || group) return help(words, process.stderr, EXIT.usage);
    throw new UsageError(`unknown command: ${words.slice(0, 2).join(" ")}`);
  }
  if (wantsHelp) return print(commandHelp(command));
  if (argv.some((a) => a === "--api-key" || a.startsWith("--api-key="))) {
    throw new UsageError("--api-key is not accepted (the key would show in `ps`): set LOCKT_API_KEY or use --api-key-file FILE");
  }
  const { values, positionals } = parse(command, argv);
  const args = positionals.slice(2);
  const wanted = command.args ?? [];
  const variadic = wanted.at(-1)?.endsWith("...");
  if (args.length < wanted.length || (!variadic && args.length > wanted.length)) {
    throw new UsageError(`usage: ${usageLine(command)}`);
  }
  sdk = await import("lockt-secureaccess");
  const context = { command, args, values, json: Boolean(values.json) || !process.stdout.isTTY };
  if (!command.offline) context.lockt = connect(values);
  const result = await command.run(context);
  if (typeof result === "number") return result;
  show(context, result);
  return EXIT.ok;
}

/** The command's words: the arguments that are neither options nor option values. */
function commandWords(argv) {
  const takesValue = new Set(
    [GLOBAL_OPTIONS, ...COMMANDS.map((c) => c.options ?? {})].flatMap((o) => Object.keys(o).filter((k) => o[k].type === "string")),
  );
  const words = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--") break;
    if (argv[i].startsWith("-")) {
      if (takesValue.has(argv[i].slice(2))) i++;
    } else {
      words.push(argv[i]);
    }
  }
  return words;
}

function parse(command, argv) {
  const options = Object.fromEntries(
    Object.entries({ ...GLOBAL_OPTIONS, ...command.options }).map(([name, { help: _, value: __, ...config }]) => [name, config]),
  );
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(`${e.message.split("\n")[0]}\nusage: ${usageLine(command)}`);
  }
}

/** Prints the error's kind and message on stderr; returns the exit code. */
function reportError(e) {
  if (e instanceof UsageError) {
    process.stderr.write(`lockt: ${e.message}\n(lockt --help lists the commands)\n`);
    return EXIT.usage;
  }
  if (sdk && e instanceof sdk.LocktError) {
    const extra = (e.messages ?? []).filter((m) => !e.message.includes(m));
    const details = (e.details ?? []).flatMap((d) => d.messages ?? []);
    const lines = [`lockt: ${paint(process.stderr, 31, e.kind)}: ${e.message}`, ...[...extra, ...details].map((m) => `  ${m}`)];
    process.stderr.write(`${lines.join("\n")}\n`);
    return KIND_EXIT[e.kind] ?? EXIT.invalid;
  }
  process.stderr.write(`lockt: error: ${e?.message ?? e}\n`);
  return EXIT.invalid;
}

// ── help ─────────────────────────────────────────────────────────────────

/** `lockt help [group [command]]`: one command's help, a group's commands, or all of them. */
function help(words, stream, code) {
  const command = COMMANDS.find((c) => c.name === words.slice(0, 2).join(" "));
  if (command) {
    stream.write(commandHelp(command));
    return code;
  }
  const group = COMMANDS.filter((c) => words.length === 0 || c.name.startsWith(`${words[0]} `));
  if (!group.length) throw new UsageError(`unknown command: ${words.join(" ")}`);
  const synopsis = (c) => [c.name, ...(c.args ?? [])].join(" ");
  const width = Math.max(...group.map((c) => synopsis(c).length));
  stream.write(
    [
      "lockt: the Lockt SecureAccess Cloud API from the command line",
      "",
      "Usage: lockt <command> [options]",
      "",
      "Commands:",
      ...group.map((c) => `  ${synopsis(c).padEnd(width)}  ${c.about.split(". ")[0].replace(/\.$/, "")}`),
      "",
      "Global options:",
      ...optionLines(GLOBAL_OPTIONS),
      "  --version               print the package version",
      "",
      "Credentials: LOCKT_API_USER, LOCKT_API_KEY (or --api-key-file FILE), LOCKT_BASE_URL",
      "(default https://cloudapi.lockt.com/api/v1). The key is never taken from the command line.",
      "Output: a table on a terminal, JSON (NDJSON for streams) with --json or when piped;",
      "no colour when NO_COLOR is set or output is piped.",
      "Exit codes: 0 ok, 1 invalid records, a rejected write or nothing found, 2 usage,",
      "3 auth, 4 network or timeout, 5 server.",
      "",
      "lockt <command> --help shows a command's options and an example.",
      "",
    ].join("\n"),
  );
  return code;
}

function commandHelp(command) {
  return [
    `Usage: ${usageLine(command)}`,
    "",
    wrap(command.about),
    "",
    ...(command.options ? ["Options:", ...optionLines(command.options), ""] : []),
    "Global options:",
    ...optionLines(GLOBAL_OPTIONS),
    "",
    "Example:",
    `  ${command.example}`,
    "",
  ].join("\n");
}

function usageLine(command) {
  const options = Object.entries(command.options ?? {}).map(([name, o]) => `[--${name}${o.value ? ` ${o.value}` : ""}]`);
  return ["lockt", command.name, ...(command.args ?? []), ...options].join(" ");
}

function optionLines(options) {
  return Object.entries(options).map(([name, o]) => `  ${`--${name}${o.value ? ` ${o.value}` : ""}`.padEnd(22)}  ${o.help}`);
}

function wrap(text, width = 88) {
  const lines = [""];
  for (const word of text.split(" ")) {
    if (lines.at(-1).length + word.length + 1 > width) lines.push("");
    lines[lines.length - 1] += (lines.at(-1) ? " " : "") + word;
  }
  return lines.join("\n");
}

function packageVersion() {
  return JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8")).version;
}

// ── client ───────────────────────────────────────────────────────────────

/** A client from the environment; with --verbose, one line per call through the client's hooks. */
function connect(values) {
  const env = process.env;
  const apiKey = values["api-key-file"] === undefined ? env.LOCKT_API_KEY : readKeyFile(values["api-key-file"]);
  if (!env.LOCKT_API_USER || !apiKey) {
    throw new sdk.LocktError("set LOCKT_API_USER and LOCKT_API_KEY (or --api-key-file FILE) to the API credentials", { kind: "config" });
  }
  const options = { apiUser: env.LOCKT_API_USER, apiKey, ...(env.LOCKT_BASE_URL ? { baseUrl: env.LOCKT_BASE_URL } : {}) };
  if (!values.verbose) return new sdk.LocktClient(options);
  try {
    return new sdk.LocktClient({ ...options, hooks: verboseHooks() });
  } catch (e) {
    // A client without hooks refuses the option (kind config); any other mistake shows again below.
    if (!(e instanceof sdk.LocktError && e.kind === "config")) throw e;
    const lockt = new sdk.LocktClient(options);
    process.stderr.write("lockt: --verbose: this version of the client has no hooks, so calls are not logged\n");
    return lockt;
  }
}

function readKeyFile(file) {
  try {
    return readFileSync(file, "utf8").trim();
  } catch (e) {
    throw new sdk.LocktError(`cannot read --api-key-file ${file}: ${e.code ?? e.message}`, { kind: "config" });
  }
}

function verboseHooks() {
  const line = (text) => process.stderr.write(`${paint(process.stderr, 2, text)}\n`);
  return {
    response: ({ method, path, status, durationMs, attempt }) =>
      line(`${method} ${path} ${status ?? "-"} ${Math.round(durationMs ?? 0)} ms${attempt > 1 ? ` (attempt ${attempt})` : ""}`),
    retry: ({ method, path, attempt }) => line(`${method} ${path} retrying (attempt ${attempt})`),
  };
}

// ── output ───────────────────────────────────────────────────────────────

/** Whether `stream` gets colour: a terminal, and NO_COLOR unset or empty. */
function colour(stream) {
  return Boolean(stream.isTTY) && !process.env.NO_COLOR;
}

function paint(stream, code, text) {
  return colour(stream) ? `\x1b[${code}m${text}\x1b[0m` : text;
}

function print(text) {
  process.stdout.write(text);
  return EXIT.ok;
}

/** A result: JSON when asked or piped, else a table (lists) or field: value lines (records). */
function show({ json, command }, value) {
  if (json) return print(`${JSON.stringify(value, null, 2)}\n`);
  if (Array.isArray(value)) return print(table(value, command.columns));
  const width = Math.max(...Object.keys(value).map((k) => k.length));
  return print(Object.entries(value).map(([k, v]) => `${paint(process.stdout, 1, k.padEnd(width))}  ${cell(v)}\n`).join(""));
}

function table(rows, columns = [...new Set(rows.flatMap(Object.keys))]) {
  if (!rows.length) return "(none)\n";
  const cells = rows.map((row) => columns.map((c) => cell(row[c])));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i].length)));
  const line = (values) => values.map((v, i) => v.padEnd(widths[i])).join("  ").trimEnd();
  return `${paint(process.stdout, 1, line(columns))}\n${cells.map(line).join("\n")}\n${rows.length} ${rows.length === 1 ? "row" : "rows"}\n`;
}

/** A value as one short line: lists of records by name, long text cut. */
function cell(value) {
  if (value === undefined || value === null) return "";
  const text = Array.isArray(value) ? value.map(cell).join(", ") : typeof value === "object" ? String(value.name ?? value.id ?? JSON.stringify(value)) : String(value);
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}

/** A progress callback drawing a bar on stderr when it is a terminal, and its closing newline. */
function progressBar() {
  let drawn = false;
  let noted = false;
  const update = ({ sent, total, waiting, waitingMs }) => {
    if (!process.stderr.isTTY) return;
    const width = 30;
    const done = total ? Math.round((sent / total) * width) : width;
    // A 429 means another writer of the tenant is busy: say so rather than look stuck.
    const note = waiting ? ` waiting for other writers (${Math.round(waitingMs / 1000)} s so far)` : "";
    const clear = noted ? "\x1b[K" : "";
    noted = Boolean(note);
    process.stderr.write(`\r${clear}[${"#".repeat(done)}${"-".repeat(width - done)}] ${sent}/${total}${note}`);
    drawn = true;
  };
  return { update, end: () => drawn && process.stderr.write("\n") };
}

/** Where a record came from: its spreadsheet row for CSV, its index for JSON. */
function place(input, index) {
  return input.rows ? `row ${input.rows[index]}` : `#${index}`;
}

// ── commands ─────────────────────────────────────────────────────────────

async function found(promise, message) {
  const record = await promise;
  if (record === null) throw new sdk.LocktError(message, { kind: "not_found" });
  return record;
}

function systemId(text) {
  if (!/^\d+$/.test(text)) throw new UsageError(`ID must be a system id (digits), not ${JSON.stringify(text)}: use \`lockt users find\` for an id number`);
  return Number(text);
}

function userRef(text) {
  return /^\d+$/.test(text) ? Number(text) : text;
}

/** Reads users from a .csv or .json file: `{ users, rows?, csvIssues }`. */
function readUsers(file) {
  let text;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${e.code ?? e.message}`);
  }
  if (/\.csv$/i.test(file)) {
    const { users, rows, issues } = sdk.parseUsersCsv(text);
    return { users, rows, csvIssues: issues };
  }
  if (!/\.json$/i.test(file)) throw new UsageError(`${file}: FILE must end in .csv or .json`);
  let data;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${file} is not JSON: ${e.message}`);
  }
  const users = Array.isArray(data) ? data : data?.users;
  if (!Array.isArray(users)) throw new UsageError(`${file}: expected an array of users (or { "users": [...] })`);
  return { users, csvIssues: [] };
}

/** CSV issues that are only about ignored columns; the others make the file invalid. */
const COLUMN_NOTES = new Set(["unknown_column", "duplicate_column"]);

async function validateUsersFile({ args, json }) {
  const [file] = args;
  const input = readUsers(file);
  const report = sdk.validateUsers(input.users);
  const at = (index) => (input.rows ? { row: input.rows[index], index } : { index });
  const csvProblems = input.csvIssues.filter((i) => !COLUMN_NOTES.has(i.code));
  const problems = [
    ...csvProblems,
    ...report.invalid.flatMap((r) => r.issues.map(({ field, code, message }) => ({ ...at(r.index), field, code, message }))),
  ].sort((a, b) => (a.row ?? a.index) - (b.row ?? b.index));
  const warnings = [
    ...input.csvIssues.filter((i) => COLUMN_NOTES.has(i.code)),
    ...report.warnings.map(({ index, field, code, message }) => ({ ...at(index), field, code, message })),
  ];
  const invalid = report.invalid.length;
  const summary = { file, records: input.users.length, valid: input.users.length - invalid, invalid, problems, warnings };
  if (json) {
    print(`${JSON.stringify(summary, null, 2)}\n`);
  } else {
    const where = (p) => (p.row !== undefined ? `row ${p.row}` : `#${p.index}`);
    const fieldWidth = Math.max(5, ...[...problems, ...warnings].map((p) => p.field.length));
    const line = (p, note = "") => `${where(p).padEnd(9)} ${(p.field || "-").padEnd(fieldWidth)}  ${p.message}${note}\n`;
    print([...problems.map((p) => line(p)), ...warnings.map((p) => line(p, " (warning)"))].join(""));
    const verdict = problems.length ? paint(process.stdout, 31, `${invalid} invalid`) : paint(process.stdout, 32, "0 invalid");
    print(`${file}: ${input.users.length} records, ${summary.valid} valid, ${verdict}, ${warnings.length} warnings\n`);
  }
  return problems.length ? EXIT.invalid : EXIT.ok;
}

/** Runs a batch write with a progress bar and Ctrl-C as an abort (what was not sent is reported). */
async function withProgress(write) {
  const bar = progressBar();
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once("SIGINT", onSignal);
  try {
    return await write({ onProgress: bar.update, signal: stop.signal });
  } finally {
    bar.end();
    process.removeListener("SIGINT", onSignal);
  }
}

async function saveUsers({ args, values, json, lockt }) {
  const input = readUsers(args[0]);
  for (const issue of input.csvIssues) process.stderr.write(`lockt: ${args[0]} row ${issue.row}: ${issue.message}\n`);
  const report = await withProgress((options) =>
    lockt.users.save(input.users, { ...options, updateExisting: Boolean(values["update-existing"]), validateFailsBatch: Boolean(values.strict) }),
  );
  if (input.rows) for (const record of report.records) record.row = input.rows[record.index];
  for (const w of report.warnings) process.stderr.write(`lockt: ${place(input, w.index)} ${w.field}: ${w.message} (warning)\n`);
  return finishWrite({ report, json, reportFile: values.report, label: (i) => place(input, i) });
}

/** Writes the report where asked, prints the summary, and returns the exit code of a batch write. */
function finishWrite({ report, json, reportFile, label, output = report }) {
  if (reportFile) writeFileSync(reportFile, `${JSON.stringify(report, null, 2)}\n`);
  const summary = [
    `${report.total} records: ${report.committed} committed, ${report.rejected} rejected, ${report.unknown} unknown, ${report.notSent} not sent (${report.calls} calls)`,
    ...report.records.filter((r) => r.status !== "committed").map((r) => `  ${label(r.index)} ${r.status}${r.messages.length ? `: ${r.messages.join("; ")}` : ""}`),
    ...(report.stoppedBy ? [`stopped by ${report.stoppedBy.kind}: ${report.stoppedBy.message}`] : []),
  ].join("\n");
  if (json) {
    print(`${JSON.stringify(output, null, 2)}\n`);
    process.stderr.write(`${summary}\n`);
  } else {
    print(`${summary}\n`);
  }
  if (report.stoppedBy) return KIND_EXIT[report.stoppedBy.kind] ?? EXIT.invalid;
  return report.committed === report.total ? EXIT.ok : EXIT.invalid;
}

async function roster(context, apply) {
  const { args, values, json, lockt } = context;
  const key = values.key ?? "id_num";
  if (!["id_num", "email"].includes(key)) throw new UsageError("--key must be id_num or email");
  const input = readUsers(args[0]);
  for (const issue of input.csvIssues) process.stderr.write(`lockt: ${args[0]} row ${issue.row}: ${issue.message}\n`);
  const plan = await lockt.users.plan(input.rows ? { users: input.users, rows: input.rows } : input.users, { key, disableMissing: Boolean(values["disable-missing"]) });
  const invalid = plan.problems.length ? EXIT.invalid : EXIT.ok;
  const changes = plan.create.length + plan.update.length + plan.disable.length;
  if (!apply || changes === 0) {
    if (json) print(`${JSON.stringify(plan, null, 2)}\n`);
    else print(planText(plan));
    if (apply) process.stderr.write("nothing to apply\n");
    return invalid;
  }
  (json ? process.stderr : process.stdout).write(planText(plan));
  if (!values.yes && !(await confirm(`Apply ${changes} changes? [y/N] `))) {
    process.stderr.write("nothing written\n");
    return invalid;
  }
  const report = await withProgress((options) => lockt.users.apply(plan, options));
  const code = finishWrite({ report, json, label: (i) => planLabel(plan, i), output: { plan, report } });
  return code || invalid;
}

function planText(plan) {
  const keyOf = (record) => record[plan.key] ?? "";
  const name = (r) => [r.first_name, r.last_name].filter(Boolean).join(" ");
  return [
    ...plan.create.map((r) => `+ create ${keyOf(r)} ${name(r)}`),
    ...plan.update.map((u) => `~ update ${keyOf(u.record)}: ${u.changes.map((c) => `${c.field} ${JSON.stringify(c.from)} -> ${JSON.stringify(c.to)}`).join(", ")}`),
    ...plan.disable.map((d) => `- disable ${keyOf(d.record) || `id ${d.id}`} at ${d.record.access_expires}`),
    ...plan.problems.map((p) => `! ${p.row !== undefined ? `row ${p.row}` : `#${p.index}`}: ${p.messages.join("; ")}`),
    `plan: ${plan.create.length} to create, ${plan.update.length} to update, ${plan.disable.length} to disable, ${plan.unchanged} unchanged, ${plan.problems.length} problems`,
    "",
  ].join("\n");
}

/** What record `index` of `users.apply`'s report is: creates, then updates, then disables. */
function planLabel(plan, index) {
  const { create, update } = plan;
  if (index < create.length) return `create ${create[index][plan.key] ?? `#${index}`}`;
  if (index < create.length + update.length) return `update ${update[index - create.length].record[plan.key] ?? `#${index}`}`;
  const d = plan.disable[index - create.length - update.length];
  return `disable ${d.record[plan.key] ?? `id ${d.id}`}`;
}

/** Asks on the terminal; refuses (a usage error) when there is none to ask on. */
async function confirm(question) {
  if (!process.stdin.isTTY || !process.stderr.isTTY) {
    throw new UsageError("roster apply writes to the API: add --yes (there is no terminal to ask on)");
  }
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  const answer = await new Promise((resolve) => {
    prompt.question(question, resolve);
    prompt.once("SIGINT", () => prompt.close()); // Ctrl-C is a no
    prompt.once("close", () => resolve(""));
  });
  prompt.close();
  return /^y(es)?$/i.test(answer.trim());
}

async function tailEvents({ values, lockt }) {
  const cursorFile = values.cursor;
  const after = cursorFile === undefined ? undefined : readCursor(cursorFile);
  const intervalMs = values.interval === undefined ? 1000 : Number(values.interval);
  if (!(intervalMs > 0)) throw new UsageError("--interval must be a positive number of milliseconds");
  const stop = new AbortController();
  for (const signal of ["SIGINT", "SIGTERM"]) process.once(signal, () => stop.abort());
  const tail = lockt.events.tail({
    after,
    intervalMs,
    signal: stop.signal,
    onGap: (gap) => process.stderr.write(`lockt: gap: events ${gap.from}..${gap.to} were dropped by the server before they could be read\n`),
  });
  const cursor = cursorFile === undefined ? undefined : cursorSaver(cursorFile);
  try {
    for await (const event of tail) {
      if (stop.signal.aborted) break; // events already fetched wait for the next run
      if (!process.stdout.write(`${JSON.stringify(event)}\n`)) await once(process.stdout, "drain");
      cursor?.set(tail.cursor);
    }
  } finally {
    cursor?.save();
  }
  return EXIT.ok;
}

/**
 * Keeps the cursor file up to date without a file write per event: saved a moment after the
 * last event of a burst, and on the way out. Written then renamed, so a crash never leaves a
 * half-written cursor; after a crash the events since the last save are written again.
 */
function cursorSaver(file, delayMs = 250) {
  let pending, timer;
  const save = () => {
    clearTimeout(timer);
    timer = undefined;
    if (pending === undefined) return;
    writeFileSync(`${file}.tmp`, String(pending));
    renameSync(`${file}.tmp`, file);
    pending = undefined;
  };
  return {
    set(id) {
      pending = id;
      timer ??= setTimeout(save, delayMs);
    },
    save,
  };
}

/** The saved cursor, or undefined (start at the newest event) when the file does not exist yet. */
function readCursor(file) {
  let text;
  try {
    text = readFileSync(file, "utf8").trim();
  } catch (e) {
    if (e.code === "ENOENT") return undefined;
    throw new UsageError(`cannot read --cursor ${file}: ${e.code ?? e.message}`);
  }
  if (!/^\d+$/.test(text)) throw new UsageError(`--cursor ${file} does not hold an event id`);
  return Number(text);
}

// ── run (last, so that every constant above is initialised) ─────────────
try {
  process.exitCode = await main(process.argv.slice(2));
} catch (e) {
  process.exitCode = reportError(e);
}
