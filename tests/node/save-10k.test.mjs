// users.save of 10,000 users against the sandbox (issue 4): exactly 100 calls of 100 that
// never overlap, as the sandbox's request log shows (each POST starts at or after the end of
// the previous one), and a report that accounts for every record. Other writes of the same
// client, started while the save runs (a slow doors.create now and then), wait their turn too:
// the write lock, not the save's own loop, keeps them apart (issue 18).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { importPackage } from "../support/pkg.mjs";
import { startSandbox } from "../support/sandbox.mjs";

const { LocktClient } = await importPackage();
const N = 10_000;

let sb;
before(async () => {
  sb = await startSandbox({ seed: "empty" });
});
after(async () => {
  await sb?.stop();
});

test(`users.save of ${N} users: 100 calls, never overlapping, every record committed`, { timeout: 120_000 }, async () => {
  const lockt = new LocktClient({ baseUrl: sb.baseUrl, apiUser: sb.apiUser, apiKey: sb.apiKey });
  const users = Array.from({ length: N }, (_, i) => ({
    id_num: `TENK-${String(i).padStart(5, "0")}`,
    first_name: `First${i}`,
    last_name: `Last${i}`,
    card_num: String(500000 + i),
    ...(i % 3 === 0 ? { email: `user${i}@tenk.example` } : {}),
  }));
  await sb.admin.clearRequests();

  // Each door POST holds the sandbox's write slot for 100 ms: a user call sent meanwhile
  // would be answered 429.
  const doorAt = [10, 30, 50, 70, 90];
  await sb.admin.faults(doorAt.map(() => ({ match: { method: "POST", path: "/api/v1/door" }, kind: "delay", ms: 100 })));
  const progress = [];
  const doors = [];
  const started = performance.now();
  const report = await lockt.users.save(users, {
    onProgress: (p) => {
      progress.push(p);
      if (doorAt.includes(p.batch)) doors.push(lockt.doors.create([{ name: `TENK door ${p.batch}` }]));
    },
  });
  const seconds = (performance.now() - started) / 1000;
  assert.deepEqual((await Promise.all(doors)).map((r) => r.committed), doorAt.map(() => 1));

  // The report.
  assert.equal(report.total, N);
  assert.equal(report.committed, N);
  assert.equal(report.rejected + report.unknown + report.notSent, 0);
  assert.equal(report.calls, 100);
  assert.deepEqual(report.summary, { submitted: N, inserted: N, updated: 0, errors: 0 });
  assert.equal(report.stoppedBy, undefined);
  assert.ok(report.records.every((r, i) => r.index === i && r.status === "committed"));
  assert.deepEqual(progress.map((p) => [p.batch, p.batches, p.sent, p.total]), Array.from({ length: 100 }, (_, k) => [k + 1, 100, (k + 1) * 100, N]));

  // The sandbox's log: 100 POST /user of 100 records and the 5 door POSTs, all answered 200,
  // one at a time; the user calls in input order.
  const writes = (await sb.admin.requests()).filter((r) => r.method === "POST");
  assert.deepEqual(writes.filter((r) => r.status !== 200).map((r) => `${r.path} ${r.status}`), [], "no write refused as overlapping");
  assert.equal(writes.length, 100 + doorAt.length);
  const overlaps = [];
  for (let k = 1; k < writes.length; k++) {
    if (writes[k].start_ms < writes[k - 1].end_ms) overlaps.push(`#${k} starts at ${writes[k].start_ms} before #${k - 1} ends at ${writes[k - 1].end_ms}`);
  }
  assert.deepEqual(overlaps, []);
  const posts = writes.filter((r) => r.path.replace(/\/$/, "") === "/api/v1/user");
  assert.equal(posts.length, 100);
  assert.ok(posts.every((r) => r.records === 100));
  assert.deepEqual(posts.map((r) => r.body.users[0].id_num), Array.from({ length: 100 }, (_, k) => users[k * 100].id_num));

  // The sandbox holds every user once.
  const held = await lockt.users.list();
  const ids = new Set(held.map((u) => u.id_num));
  assert.equal(held.length, N);
  assert.equal(ids.size, N);
  assert.ok(users.every((u) => ids.has(u.id_num)));
  const span = posts.at(-1).end_ms - posts[0].start_ms;
  console.log(`# ${N} users in ${report.calls} calls, ${seconds.toFixed(1)} s (sandbox busy ${(span / 1000).toFixed(1)} s)`);
});
