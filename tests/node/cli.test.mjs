// The `lockt` command line, run as users get it (node_modules/.bin/lockt of the installed
// tarball) against the sandbox over HTTP: every command, its exit code and its JSON output;
// tables, colour and the progress bar on a pseudo-terminal (util-linux `script`); a resumable
// events tail across SIGINT; and no apikey in any output of the whole run.
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { importPackage, pkgDir, projectDir } from "../support/pkg.mjs";
import { API_KEY, API_USER, startSandbox } from "../support/sandbox.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));
/** The installed executable (what `npx lockt` runs), or pkg/cli.mjs for a quick local run. */
const bin = projectDir ? join(projectDir, "node_modules/.bin/lockt") : join(pkgDir, "cli.mjs");
const ESC = "\x1b[";

let sdk, sb, lockt, tmp;
/** Every stdout and stderr the CLI wrote during the run, for the apikey scan. */
const outputs = [];
/** Runs still going, stopped after the tests. */
const running = new Set();

before(async () => {
  sdk = await importPackage();
  sb = await startSandbox({ seed: "demo" });
  lockt = new sdk.LocktClient({ baseUrl: sb.baseUrl, apiUser: API_USER, apiKey: API_KEY });
  tmp = mkdtempSync(join(tmpdir(), "lockt-cli-"));
});
after(async () => {
  for (const child of running) child.kill("SIGKILL");
  await sb?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

/** The environment of a run: the sandbox's credentials, none of the caller's LOCKT_* or NO_COLOR. */
function environment(extra = {}) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("LOCKT_") && k !== "NO_COLOR"));
  return { ...env, LOCKT_BASE_URL: sb.baseUrl, LOCKT_API_USER: API_USER, LOCKT_API_KEY: API_KEY, ...extra };
}

function collect(child, input) {
  running.add(child);
  let stdout = "", stderr = "";
  child.stdout.on("data", (c) => (stdout += c));
  child.stderr.on("data", (c) => (stderr += c));
  if (input !== undefined) child.stdin.end(input);
  return new Promise((resolve) =>
    child.on("close", (code) => {
      running.delete(child);
      outputs.push(stdout, stderr);
      resolve({ code, stdout, stderr });
    }),
  );
}

/** Runs `lockt ...args` with stdout and stderr piped. */
function cli(args, { env = {}, input = "" } = {}) {
  return collect(spawn(bin, args, { env: environment(env), stdio: ["pipe", "pipe", "pipe"] }), input);
}

/** Runs `lockt ...args` on a pseudo-terminal; stdout carries both streams, as a terminal shows them. */
function onTerminal(args, { env = {}, input } = {}) {
  const quote = (s) => `'${s.replaceAll("'", "'\\''")}'`;
  const child = spawn("script", ["-qfec", [bin, ...args].map(quote).join(" "), "/dev/null"], { env: environment(env), stdio: ["pipe", "pipe", "pipe"] });
  // The answer is typed once the question shows.
  let shown = "";
  child.stdout.on("data", (chunk) => {
    shown += chunk;
    if (input !== undefined && shown.includes("[y/N]")) child.stdin.write(input), (input = undefined);
  });
  return collect(child).finally(() => child.stdin.end());
}

const json = (run) => JSON.parse(run.stdout);
const plain = (value) => JSON.parse(JSON.stringify(value));

/** The commands the issue asks for. */
const COMMANDS = [
  "validate users", "users list", "users get", "users find", "users save", "users disable", "users grant",
  "doors list", "doors states", "fobs list", "credentials list", "credentials summary", "access-levels list",
  "schedules list", "roster plan", "roster apply", "events tail",
];

describe("help and usage", () => {
  test("lockt --help lists every command; each command's --help has an example; exit 0", async () => {
    const top = await cli(["--help"]);
    assert.equal(top.code, 0);
    for (const name of COMMANDS) assert.match(top.stdout, new RegExp(`^  ${name}\\b`, "m"), name);
    assert.match(top.stdout, /Exit codes: 0 ok, 1 .*2 usage,\n3 auth, 4 network or timeout, 5 server/);
    const helps = await Promise.all(COMMANDS.map((name) => cli([...name.split(" "), "--help"])));
    helps.forEach((run, i) => {
      assert.equal(run.code, 0, COMMANDS[i]);
      assert.match(run.stdout, new RegExp(`^Usage: lockt ${COMMANDS[i]}\\b[\\s\\S]*\\nExample:\\n  lockt ${COMMANDS[i]}\\b`), COMMANDS[i]);
    });
  });

  test("usage mistakes exit 2 with the reason on stderr", async () => {
    const cases = [[], ["users"], ["bogus", "list"], ["users", "list", "--bogus"], ["users", "get"], ["users", "get", "abc"], ["doors", "list", "extra"], ["validate", "users", join(tmp, "missing.csv")]];
    for (const args of cases) {
      const run = await cli(args);
      assert.equal(run.code, 2, `${args.join(" ")}: ${run.stderr}`);
      assert.ok(run.stderr.length > 0 && run.stdout === "", args.join(" "));
    }
  });

  test("the key is never taken from the command line, and not echoed when offered", async () => {
    for (const args of [["doors", "list", "--api-key", API_KEY], ["doors", "list", `--api-key=${API_KEY}`]]) {
      const run = await cli(args);
      assert.equal(run.code, 2);
      assert.match(run.stderr, /--api-key is not accepted .*ps.*LOCKT_API_KEY or use --api-key-file/);
    }
  });

  test("npx lockt works in the project the tarball is installed in", { skip: !projectDir && "pkg/ is not installed (LOCKT_PKG_DIR unset)" }, () => {
    const out = execFileSync("npx", ["--no-install", "lockt", "--version"], { cwd: projectDir, env: environment(), encoding: "utf8" });
    assert.equal(out.trim(), JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8")).version);
  });
});

describe("reads", () => {
  const reads = {
    "users list": () => lockt.users.list(),
    "doors list": () => lockt.doors.list(),
    "doors states": () => lockt.doors.states(),
    "fobs list": () => lockt.fobs.list(),
    "credentials list": () => lockt.credentials.list(),
    "credentials summary": () => lockt.credentials.summary(),
    "access-levels list": () => lockt.accessLevels.list(),
    "schedules list": () => lockt.schedules.list(),
  };

  test("each list prints the SDK's records as JSON when piped, and with --json; exit 0", async () => {
    for (const [name, read] of Object.entries(reads)) {
      const [piped, asked, expected] = await Promise.all([cli(name.split(" ")), cli([...name.split(" "), "--json"]), read()]);
      assert.equal(piped.code, 0, `${name}: ${piped.stderr}`);
      assert.deepEqual(json(piped), plain(expected), name);
      assert.equal(asked.stdout, piped.stdout, name);
    }
  });

  test("users get and users find print one record, or exit 1 with not_found", async () => {
    const byId = await cli(["users", "get", "1690"]);
    assert.equal(byId.code, 0);
    assert.equal(json(byId).id_num, "ABC123-98765");
    const byIdNum = await cli(["users", "find", "ABC123-98765", "--json"]);
    assert.deepEqual(json(byIdNum), plain(await lockt.users.getByIdNum("ABC123-98765")));
    for (const args of [["users", "get", "987654321"], ["users", "find", "NO-SUCH-ID"]]) {
      const run = await cli(args);
      assert.equal(run.code, 1, args.join(" "));
      assert.match(run.stderr, /^lockt: not_found: no user with id/);
      assert.equal(run.stdout, "");
    }
  });

  test("a terminal gets a table with a bold header, no colour with NO_COLOR; a pipe gets JSON without colour", async () => {
    const table = await onTerminal(["users", "list"]);
    assert.equal(table.code, 0);
    assert.match(table.stdout, /^\x1b\[1mid +id_num +first_name +last_name +email +card_num/);
    assert.match(table.stdout, /^1690 +ABC123-98765 /m);
    assert.match(table.stdout, /^\d+ rows\r?$/m);
    const noColour = await onTerminal(["credentials", "summary"], { env: { NO_COLOR: "1" } });
    assert.match(noColour.stdout, /^claimed +\d+\r?\nunclaimed +\d+\r?\ntotal +\d+/);
    assert.ok(!noColour.stdout.includes(ESC), "no escape codes with NO_COLOR");
    const piped = await cli(["users", "find", "NO-SUCH-ID"]);
    assert.ok(!(piped.stdout + piped.stderr).includes(ESC), "no escape codes when piped");
    const errorOnTerminal = await onTerminal(["users", "find", "NO-SUCH-ID"]);
    assert.match(errorOnTerminal.stdout, /lockt: \x1b\[31mnot_found\x1b\[0m: /);
  });
});

describe("credentials and failures", () => {
  test("--api-key-file is read instead of LOCKT_API_KEY", async () => {
    const keyFile = join(tmp, "key");
    writeFileSync(keyFile, `${API_KEY}\n`);
    const run = await cli(["schedules", "list", "--api-key-file", keyFile], { env: { LOCKT_API_KEY: "" } });
    assert.equal(run.code, 0, run.stderr);
    const missing = await cli(["schedules", "list", "--api-key-file", join(tmp, "nokey")]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^lockt: config: cannot read --api-key-file .*nokey: ENOENT/);
  });

  test("exit codes: 2 no credentials, 3 auth, 4 network, 5 server; the kind and message on stderr", async () => {
    const none = await cli(["doors", "list"], { env: { LOCKT_API_KEY: "" } });
    assert.equal(none.code, 2);
    assert.match(none.stderr, /^lockt: config: set LOCKT_API_USER and LOCKT_API_KEY/);

    const auth = await cli(["doors", "list"], { env: { LOCKT_API_KEY: "wrongwrongwrong" } });
    assert.equal(auth.code, 3);
    assert.match(auth.stderr, /^lockt: auth: .*Invalid API credentials/);

    const closed = await new Promise((resolve) => {
      const server = createServer().listen(0, "127.0.0.1", () => {
        const { port } = server.address();
        server.close(() => resolve(port));
      });
    });
    const network = await cli(["doors", "list"], { env: { LOCKT_BASE_URL: `http://127.0.0.1:${closed}/api/v1` } });
    assert.equal(network.code, 4);
    assert.match(network.stderr, /^lockt: network: /);

    await sb.admin.faults([{ match: { method: "GET", path: "/api/v1/door" }, kind: "status", status: 500 }]);
    const server = await cli(["doors", "list"]);
    assert.equal(server.code, 5, server.stderr);
    assert.match(server.stderr, /^lockt: server: /);
  });

  test("--verbose logs each call (method, path, status, duration) through the client's hooks, or says it cannot", async () => {
    let hooks = true;
    try {
      new sdk.LocktClient({ baseUrl: sb.baseUrl, apiUser: API_USER, apiKey: API_KEY, hooks: {} });
    } catch {
      hooks = false;
    }
    const run = await cli(["doors", "list", "--verbose"]);
    assert.equal(run.code, 0);
    if (hooks) assert.match(run.stderr, /^GET \/\S*door \d{3} \d+ ms$/m);
    else assert.match(run.stderr, /--verbose: this version of the client has no hooks/);
  });
});

describe("validate users", () => {
  test("a CSV with a multi-line cell, a bad card number and a bad e-mail: the spreadsheet's rows; exit 1", async () => {
    const file = join(tmp, "hr.csv");
    writeFileSync(
      file,
      [
        "id_num,first_name,last_name,email,card_num,notes",
        "V-1,Ann,Lee,ann@example.com,1001,",
        'V-2,Bob,Ray,bob@example.com,1002,"first line',
        'second line"',
        ",,,,,",
        "V-3,Cat,Kim,cat@example.com,A8914,",
        "V-4,Dan,Fox,dan@@example.com,1004,",
        "V-5,Eve,Ng,eve@example.com,1005,",
      ].join("\n"),
    );
    const text = await cli(["validate", "users", file], { env: { LOCKT_API_KEY: "", LOCKT_API_USER: "" } });
    assert.equal(text.code, 1, text.stderr);
    // Rows as a spreadsheet shows them: the two-line cell is one row and the empty row counts,
    // so A8914 (the third record, on line 6) is row 5.
    assert.match(json(text).problems.map((p) => `${p.row} ${p.field}`).join(","), /^5 card_num,6 email$/);
    const onTty = await onTerminal(["validate", "users", file], { env: { NO_COLOR: "1" } });
    assert.equal(onTty.code, 1);
    assert.match(onTty.stdout, /^row 5 +card_num +Non-Numeric card_num found: A8914\r?\nrow 6 +email +Invalid email address found: dan@@example\.com\r?\n/);
    assert.match(onTty.stdout, /row 1 +notes +.*\(warning\)/);
    assert.match(onTty.stdout, /5 records, 3 valid, 2 invalid, 1 warnings/);
    const good = join(tmp, "good.json");
    writeFileSync(good, JSON.stringify([{ id_num: "V-9", first_name: "Ok", card_num: 42 }]));
    const ok = await cli(["validate", "users", good, "--json"]);
    assert.equal(ok.code, 0);
    assert.deepEqual({ ...json(ok), file: undefined }, { file: undefined, records: 1, valid: 1, invalid: 0, problems: [], warnings: [] });
  });
});

describe("writes", () => {
  /** A 250-row CSV of new users after an empty row; row 103 (index 100) has a bad e-mail. */
  function roster250(prefix) {
    const file = join(tmp, `${prefix}.csv`);
    const rows = Array.from({ length: 250 }, (_, i) => `${prefix}-${i},First${i},Last${i},${i === 100 ? "bad@@example.com" : `${prefix.toLowerCase()}${i}@example.com`},${String(process.pid * 1000 + i + (prefix === "PTY" ? 500 : 0))}`);
    writeFileSync(file, ["id_num,first_name,last_name,email,card_num", ",,,,", ...rows].join("\n"));
    return file;
  }

  test("users save of 250 rows with one bad row, piped: no progress bar, the report as JSON, exit 1", async () => {
    const reportFile = join(tmp, "report.json");
    const run = await cli(["users", "save", roster250("PIPE"), "--report", reportFile]);
    assert.equal(run.code, 1, run.stderr);
    const report = json(run);
    assert.deepEqual([report.total, report.committed, report.rejected, report.calls], [250, 249, 1, 3]);
    assert.deepEqual(report.records.filter((r) => r.status !== "committed").map((r) => [r.index, r.row, r.status]), [[100, 103, "rejected"]]);
    assert.deepEqual(JSON.parse(readFileSync(reportFile, "utf8")), report);
    assert.ok(!run.stderr.includes("\r") && !run.stderr.includes("#"), `no progress bar when piped: ${run.stderr}`);
    assert.match(run.stderr, /^250 records: 249 committed, 1 rejected, 0 unknown, 0 not sent \(3 calls\)\n  row 103 rejected: Invalid email address found: bad@@example\.com\n$/);
    assert.equal((await lockt.users.getByIdNum("PIPE-249"))?.first_name, "First249");
  });

  test("users save on a terminal draws a progress bar on stderr and prints the summary", async () => {
    const run = await onTerminal(["users", "save", roster250("PTY")]);
    assert.equal(run.code, 1);
    assert.match(run.stdout, /\r\[#{12}-{18}\] 100\/249\r\[#{24}-{6}\] 200\/249\r\[#{30}\] 249\/249\r?\n/);
    assert.match(run.stdout, /250 records: 249 committed, 1 rejected/);
    assert.equal((await lockt.users.getByIdNum("PTY-0"))?.last_name, "Last0");
  });

  test("users grant adds levels by name and id; users disable sets access_expires; exit 0, or 1 when refused", async () => {
    const grant = await cli(["users", "grant", "PIPE-1", "Housekeeping", "512"]);
    assert.equal(grant.code, 0, grant.stderr);
    assert.deepEqual(json(grant).accesslevels.map((l) => l.id).sort(), [512, 574]);
    const unknown = await cli(["users", "grant", "PIPE-1", "Housekeepin"]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /^lockt: not_found: .*Housekeepin/);
    const id = json(grant).id;
    const disable = await cli(["users", "disable", String(id), "--at", "2031-02-03 04:05:06"]);
    assert.equal(disable.code, 0, disable.stderr);
    assert.equal(json(disable).access_expires, "2031-02-03T04:05:06.000Z");
    assert.equal((await lockt.users.get(id)).access_expires, "2031-02-03T04:05:06.000Z");
  });

  test("roster plan prints the diff; roster apply asks on a terminal, needs --yes when piped, and applies", async () => {
    const file = join(tmp, "roster.csv");
    writeFileSync(file, readFileSync(join(root, "examples/roster.csv")));
    const plan = await cli(["roster", "plan", file]);
    assert.equal(plan.code, 1, "the roster has an invalid row");
    const { create, update, problems } = json(plan);
    assert.deepEqual([create.length, update.length, problems.map((p) => p.row)], [3, 2, [8]]);
    const diff = await onTerminal(["roster", "plan", file]);
    assert.match(diff.stdout, /^\+ create NEW-20001 Nadia Okafor\r?$/m);
    assert.match(diff.stdout, /^~ update EMP-10002: .*first_name "Matthew" -> "Matt"/m);
    assert.match(diff.stdout, /^! row 8: Non-Numeric card_num found: A8914/m);

    const refused = await cli(["roster", "apply", file]);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /add --yes/);
    const declined = await onTerminal(["roster", "apply", file], { input: "n\n" });
    assert.match(declined.stdout, /Apply 5 changes\? \[y\/N\][\s\S]*nothing written/);
    assert.equal(await lockt.users.getByIdNum("NEW-20001"), null, "nothing written before confirmation");

    const applied = await onTerminal(["roster", "apply", file], { input: "y\n" });
    assert.equal(applied.code, 1, "applied, but the invalid row still counts");
    assert.match(applied.stdout, /5 records: 5 committed, 0 rejected, 0 unknown, 0 not sent \(1 calls\)/);
    assert.equal((await lockt.users.getByIdNum("NEW-20001"))?.first_name, "Nadia");

    writeFileSync(file, `${readFileSync(file, "utf8").split("\n").slice(0, 7).join("\n")}\nNEW-20009,Nina,Novak,nina.novak@example.com,30009,,,\n`);
    const yes = await cli(["roster", "apply", file, "--yes"]);
    assert.equal(yes.code, 0, yes.stderr);
    assert.deepEqual([json(yes).plan.create.length, json(yes).report.committed], [1, 1]);
    const again = await cli(["roster", "apply", file, "--yes"]);
    assert.equal(again.code, 0);
    assert.match(again.stderr, /nothing to apply/);
  });
});

describe("events tail", () => {
  /** `lockt events tail`, collecting the ids it prints. */
  function startTail(cursorFile) {
    const child = spawn(bin, ["events", "tail", "--cursor", cursorFile, "--interval", "50"], { env: environment(), stdio: ["ignore", "pipe", "pipe"] });
    const ids = [];
    let buffer = "";
    child.stdout.on("data", (chunk) => {
      buffer += chunk;
      const lines = buffer.split("\n");
      buffer = lines.pop();
      ids.push(...lines.map((l) => JSON.parse(l).id));
    });
    const done = collect(child);
    return { child, ids, done };
  }

  async function until(check, what, ms = 15_000) {
    const end = Date.now() + ms;
    while (!check()) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${typeof what === "function" ? what() : what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  test("killed with SIGINT in the middle of a burst and restarted: every event once, in order; exit 0", async () => {
    const start = Math.max(...(await lockt.events.list()).map((e) => e.id));
    const cursorFile = join(tmp, "events.cursor");
    writeFileSync(cursorFile, String(start));
    const first = startTail(cursorFile);
    const burst = (async () => {
      for (let i = 0; i < 20; i++) {
        await sb.admin.burstEvents(50);
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    await until(() => first.ids.length >= 150, "the first run to read part of the burst");
    first.child.kill("SIGINT");
    const stopped = await first.done;
    assert.equal(stopped.code, 0, stopped.stderr);
    await burst;
    assert.ok(first.ids.length < 1000, `the first run stopped in the middle (${first.ids.length} events)`);
    assert.equal(Number(readFileSync(cursorFile, "utf8")), first.ids.at(-1), "the cursor is the last event written");

    const second = startTail(cursorFile);
    const expected = (await lockt.events.after(start)).map((e) => e.id);
    assert.equal(expected.length, 1000);
    await until(() => first.ids.length + second.ids.length >= expected.length, () => `the second run to catch up (${first.ids.length} + ${second.ids.length} of ${expected.length}): ${second.child.exitCode} ${outputs.at(-1)}`);
    second.child.kill("SIGINT");
    assert.equal((await second.done).code, 0);
    assert.deepEqual([...first.ids, ...second.ids], expected, "every event once, in ascending order, across the restart");
  });

  test("a lost window is reported as a gap on stderr", async () => {
    const start = Math.max(...(await lockt.events.list()).map((e) => e.id));
    const cursorFile = join(tmp, "gap.cursor");
    writeFileSync(cursorFile, String(start));
    await sb.admin.burstEvents(5200);
    const tail = startTail(cursorFile);
    await until(() => tail.ids.length > 0, "the tail's first event");
    tail.child.kill("SIGINT");
    const { stderr } = await tail.done;
    assert.match(stderr, new RegExp(`^lockt: gap: events ${start + 1}\\.\\.${tail.ids[0] - 1} were dropped`, "m"));
  });
});

describe("secrets", () => {
  test("no output of any run contains the apikey", () => {
    assert.ok(outputs.length >= 80, `the scan covers the whole run (${outputs.length} outputs)`);
    const leaks = outputs.filter((text) => text.includes(API_KEY));
    assert.deepEqual(leaks, []);
  });
});
