// Many writers, one tenant (issue 15): a 429 is a wait, not a failure.
//
// 8 Node processes, each with its own LocktClient and no lock shared between them, save
// distinct users at once to a sandbox that holds each write for a while (--write-hold-ms),
// so that their calls overlap and the sandbox answers 429. Every record must end committed,
// no run may stop with rate_limited, and each user must be applied exactly once: one copy in
// the sandbox's state, and one POST answered 200 carrying it in the sandbox's request log.
// A second test aborts a run while it waits for its turn.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { importPackage } from "../support/pkg.mjs";
import { startSandbox } from "../support/sandbox.mjs";
import { runWriters } from "../support/writers.mjs";

const { LocktClient } = await importPackage();

const WRITERS = 8;
const USERS_EACH = 250; // 3 calls each: 24 calls of 100 or fewer

let sb;
before(async () => {
  sb = await startSandbox({ seed: "empty", args: ["--write-hold-ms", "40"] });
});
after(async () => {
  await sb?.stop();
});

const client = (options = {}) => new LocktClient({ baseUrl: sb.baseUrl, apiUser: sb.apiUser, apiKey: sb.apiKey, ...options });

test(`${WRITERS} writer processes × ${USERS_EACH} users: every record committed once, none rate_limited`, async () => {
  await sb.admin.clearRequests();
  const { results } = await runWriters({ baseUrl: sb.baseUrl, writers: WRITERS, count: USERS_EACH, maxWaitMs: 120_000, prefix: "C" });
  for (const r of results) {
    assert.equal(r.stoppedBy, undefined, `${r.tag} stopped: ${JSON.stringify(r.stoppedBy)}`);
    assert.deepEqual([r.committed, r.rejected, r.unknown, r.notSent], [USERS_EACH, 0, 0, 0], JSON.stringify(r));
    assert.equal(r.inserted, USERS_EACH);
  }
  const refused = results.reduce((n, r) => n + (r.statuses[429] ?? 0), 0);
  assert.ok(refused > 0, "the writers overlapped: the sandbox answered 429 at least once");
  assert.ok(results.some((r) => r.waits > 0 && r.waitingMs > 0), "onProgress reported the waits");

  const stored = await client().users.list();
  const wanted = results.flatMap((r) => Array.from({ length: USERS_EACH }, (_, i) => `${r.tag}-${i}`));
  const copies = new Map(wanted.map((id) => [id, 0]));
  for (const u of stored) if (copies.has(u.id_num)) copies.set(u.id_num, copies.get(u.id_num) + 1);
  assert.deepEqual([...copies.values()].filter((n) => n !== 1), [], "one stored copy of each user");

  const posts = (await sb.admin.requests()).filter((r) => r.method === "POST");
  const applied = new Map(wanted.map((id) => [id, 0]));
  for (const p of posts.filter((p) => p.status === 200)) for (const u of p.body.users) applied.set(u.id_num, applied.get(u.id_num) + 1);
  assert.deepEqual([...applied.values()].filter((n) => n !== 1), [], "each user in exactly one POST answered 200");
  assert.equal(posts.filter((p) => p.status === 429).length, refused, "every 429 the writers saw is in the log");
});

test("a run aborted while it waits for its turn ends at once: notSent, nothing sent after the abort", async () => {
  // Another writer holds the write slot for 2 s (a delay fault on its POST).
  await sb.admin.faults([{ match: { method: "POST", path: "/api/v1/user" }, kind: "delay", ms: 2_000 }]);
  const other = client().users.save([{ id_num: "A-other", first_name: "Other", last_name: "Writer" }]);
  await new Promise((resolve) => setTimeout(resolve, 200));

  const controller = new AbortController();
  const waits = [];
  const input = Array.from({ length: 150 }, (_, i) => ({ id_num: `A-${i}`, first_name: `Abort${i}`, last_name: "Run" }));
  const running = client().users.save(input, {
    signal: controller.signal,
    onProgress: (p) => {
      if (p.waiting) waits.push(p);
    },
  });
  const mine = async () => (await sb.admin.requests()).filter((r) => r.body?.users?.[0]?.id_num === "A-0");
  while ((await mine()).length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
  await new Promise((resolve) => setTimeout(resolve, 50));
  const abortedAt = performance.now();
  controller.abort();
  const report = await running;
  const tookMs = performance.now() - abortedAt;
  const sentBefore = (await mine()).length;

  assert.ok(tookMs < 500, `ended ${tookMs.toFixed(0)} ms after the abort`);
  assert.equal(report.stoppedBy?.kind, "aborted", JSON.stringify(report.stoppedBy));
  assert.equal(report.notSent, 150, JSON.stringify(report.records.slice(0, 2)));
  assert.ok(waits.length > 0 && waits[0].batch === 1 && waits[0].waitingMs > 0, JSON.stringify(waits));

  assert.equal((await other).committed, 1);
  await new Promise((resolve) => setTimeout(resolve, 500));
  const sent = await mine();
  assert.equal(sent.length, sentBefore, "nothing was sent after the abort");
  assert.ok(sent.every((r) => r.status === 429), JSON.stringify(sent.map((r) => r.status)));
  const stored = await client().users.list();
  assert.deepEqual(stored.filter((u) => u.id_num.startsWith("A-")).map((u) => u.id_num), ["A-other"]);
});
