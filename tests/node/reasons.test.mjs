// Issue 12, "Reasons": every BatchReport record says why it has its status, as a code a program
// can switch on (invalid, server_rejected, batch_failed, ignored_existing, read_back; for
// notSent aborted, stopped, not_reached). Against the sandbox, through the installed package.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { importPackage } from "../support/pkg.mjs";
import { API_KEY, API_USER, startSandbox } from "../support/sandbox.mjs";

const { LocktClient } = await importPackage();
const tag = `${process.pid}-${Date.now()}`;
let sb;

before(async () => {
  sb = await startSandbox({ seed: "demo" });
});
after(() => sb?.stop());

const client = (apiKey = API_KEY) => new LocktClient({ baseUrl: sb.baseUrl, apiUser: API_USER, apiKey });
const newUsers = (n, name) => Array.from({ length: n }, (_, i) => ({ id_num: `R-${tag}-${name}-${i}`, first_name: `Reason${i}` }));
const reasons = (report) => report.records.map((r) => `${r.status}/${r.reason ?? "-"}`);

test("invalid here, and committed as answered (no reason)", async () => {
  const report = await client().users.save([{ first_name: "A", pin: "12a4" }, ...newUsers(1, "ok")], { validateFailsBatch: false });
  assert.deepEqual(reasons(report), ["rejected/invalid", "committed/-"]);
});

test("refused by the server, and innocent in the call that failed", async () => {
  const [existing] = await client().doors.list();
  const report = await client().doors.create([{ name: `Door ${tag}` }, { name: existing.name }]);
  assert.deepEqual(reasons(report), ["rejected/batch_failed", "rejected/server_rejected"]);
});

test("skipped by the server as already existing", async () => {
  const report = await client().users.save([{ id_num: "ABC123-98765", first_name: `Not Joe ${tag}` }]);
  assert.deepEqual(reasons(report), ["rejected/ignored_existing"]);
});

test("settled by reading back after an unanswered call", async () => {
  await sb.admin.faults([{ match: { method: "POST", path: "/api/v1/user" }, kind: "status", status: 502, after_commit: true }]);
  const report = await client().users.save(newUsers(2, "readback"));
  assert.deepEqual(reasons(report), ["committed/read_back", "committed/read_back"]);
});

test("not sent: stopped by its own call's refusal, the rest never reached", async () => {
  const report = await client("wrong-key").users.save(newUsers(150, "stopped"));
  const counts = {};
  for (const r of reasons(report)) counts[r] = (counts[r] ?? 0) + 1;
  assert.deepEqual(counts, { "notSent/stopped": 100, "notSent/not_reached": 50 });
});

test("not sent: held back by invalid records, and aborted by the signal", async () => {
  const held = await client().users.save([{ first_name: "A", pin: "x" }, ...newUsers(1, "held")]);
  assert.deepEqual(reasons(held), ["rejected/invalid", "notSent/stopped"]);
  const aborted = await client().users.save(newUsers(2, "aborted"), { signal: AbortSignal.abort() });
  assert.deepEqual(reasons(aborted), ["notSent/aborted", "notSent/aborted"]);
});
