// Property test of the batch engine (issue 4): random user batches with random bad records,
// random failures scripted in the sandbox for POST /api/v1/user (502 before or after the
// commit, a dropped connection before or after the commit, a delay longer than the client's
// timeout, a server-side 400 from a card number the sandbox already holds), and
// validateFailsBatch at random. After every run:
//   - every input index appears exactly once in report.records, and the counts add up;
//   - every `committed` record is in the sandbox, as sent; nothing is there twice;
//   - what the sandbox holds is `committed` (never `rejected` or `notSent`);
//   - nothing is `unknown`: the sandbox answers every read-back, so reading back always tells;
//   - `notSent` only where the run stopped (`stoppedBy`) or validation held everything back;
//   - report.calls matches the POSTs the sandbox logged (429 answers, retried by the
//     transport within one call, aside).
//
// npm test runs the fixed seeds below, which reach two faults in a row on one call, faults
// after the commit, the server's 400 and both validateFailsBatch settings, plus one new random
// seed that it prints. A failure names its seed; replay it alone with
//
//   LOCKT_SEED=1234 node --test tests/node/batch-property.test.mjs
//   LOCKT_ITERATIONS=50 ...                                          more runs per seed
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { importPackage } from "../support/pkg.mjs";
import { startSandbox } from "../support/sandbox.mjs";

const { LocktClient } = await importPackage();

const FIXED_SEEDS = [3, 39, 69];
const SEEDS = process.env.LOCKT_SEED ? [Number(process.env.LOCKT_SEED)] : [...FIXED_SEEDS, Math.floor(Math.random() * 2 ** 31)];
const ITERATIONS = Number(process.env.LOCKT_ITERATIONS ?? 5);
const TIMEOUT_MS = 300;
const USER = "/api/v1/user";
const TAKEN_CARD = "999999"; // held by the sandbox before each run

/** mulberry32: a small seeded PRNG. */
function prng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    chance: (p) => next() < p,
    pick: (list) => list[Math.floor(next() * list.length)],
  };
}

let sb;
before(async () => {
  sb = await startSandbox({ seed: "empty" });
});
after(async () => {
  await sb?.stop();
});

function client(options = {}) {
  return new LocktClient({ baseUrl: sb.baseUrl, apiUser: sb.apiUser, apiKey: sb.apiKey, timeoutMs: TIMEOUT_MS, maxRetries: 2, ...options });
}

/** A random batch: mostly valid users, some invalid client-side, some the server refuses. */
function makeBatch(rnd, iteration) {
  const n = rnd.int(150, 400);
  const badRate = rnd.pick([0, 0, 0.01, 0.03]);
  const serverBadRate = rnd.pick([0, 0, 0.005, 0.01]);
  const records = [];
  const kinds = [];
  for (let i = 0; i < n; i++) {
    const user = { id_num: `P${iteration}-${i}`, first_name: `Prop${i}`, last_name: `Run${iteration}`, card_num: String(100000 + i) };
    if (rnd.chance(0.3)) user.email = `p${iteration}.${i}@example.com`;
    if (rnd.chance(0.2)) user.pin = String(rnd.int(1000, 9999));
    let kind = "valid";
    if (rnd.chance(badRate)) {
      kind = "invalid";
      const flaw = rnd.int(0, 4);
      if (flaw === 0) user.card_num = `A${i}`;
      else if (flaw === 1) user.email = `p${i}@@example.com`;
      else if (flaw === 2) user.pin = "12a4";
      else if (flaw === 3) user.access_effective = "2024-02-30";
      else user.id_num = `P${iteration}-0`; // repeats record 0's id_num (0 stays valid)
      if (flaw === 4 && i === 0) kind = "valid";
    } else if (rnd.chance(serverBadRate)) {
      kind = "server";
      user.card_num = TAKEN_CARD;
    }
    records.push(user);
    kinds.push(kind);
  }
  // Only the first record with the taken card is the server's "already assigned" case; later
  // ones repeat a card within the input, which the client catches.
  let seen = false;
  kinds.forEach((k, i) => {
    if (k === "server") {
      if (seen) kinds[i] = "invalid";
      seen = true;
    }
  });
  return { records, kinds };
}

/**
 * One entry per POST, in order: a fault, or a no-op (a 0 ms delay) that lets a call through
 * so that later calls (and resends) get the faults.
 */
function makeFaults(rnd) {
  const slots = rnd.int(0, 5);
  const faults = [];
  for (let k = 0; k < slots; k++) {
    const f = rnd.pick([
      { kind: "delay", ms: 0 },
      { kind: "delay", ms: 0 },
      { kind: "status", status: 502 },
      { kind: "status", status: 502, after_commit: true },
      { kind: "drop" },
      { kind: "drop", after_commit: true },
      { kind: "delay", ms: 1000 },
    ]);
    faults.push({ match: { method: "POST", path: USER }, ...f });
  }
  return faults;
}

function describeRun(r) {
  return `seed ${r.seed}, iteration ${r.iteration}: ${r.n} records (${r.invalid} invalid, ${r.server} taken card), validateFailsBatch ${r.vfb}, POST faults in order ${JSON.stringify(r.faults)}`;
}

for (const seed of SEEDS) {
  const which = FIXED_SEEDS.includes(seed) ? "fixed" : "random";
  test(`random batches and random faults: every record accounted for (${which} seed ${seed})`, { timeout: 120_000 }, () => runSeed(seed));
}

async function runSeed(seed) {
  console.log(`# batch-property seed ${seed} (LOCKT_SEED=${seed} to replay), ${ITERATIONS} iterations`);
  const rnd = prng(seed);
  const started = performance.now();
  const tally = { committed: 0, rejected: 0, unknown: 0, notSent: 0, calls: 0, faults: 0 };
  for (let iteration = 0; iteration < ITERATIONS; iteration++) {
    await sb.admin.reset("empty");
    await sb.admin.clearFaults();
    const lockt = client();
    // The card the server-side 400 needs, held by someone else.
    const setup = await lockt.users.save([{ id_num: "HOLDER", first_name: "Card", last_name: "Holder", card_num: TAKEN_CARD }]);
    assert.equal(setup.committed, 1);
    await sb.admin.clearRequests();

    const { records, kinds } = makeBatch(rnd, iteration);
    const faults = makeFaults(rnd);
    const vfb = rnd.chance(0.5);
    const info = {
      seed,
      iteration,
      n: records.length,
      invalid: kinds.filter((k) => k === "invalid").length,
      server: kinds.filter((k) => k === "server").length,
      vfb,
      faults: faults.map((f) => (f.kind === "delay" && !f.ms ? "ok" : `${f.kind}${f.status ?? ""}${f.after_commit ? "+commit" : ""}${f.ms ? `:${f.ms}ms` : ""}`)),
    };
    if (faults.length) await sb.admin.faults(faults);
    const progress = [];
    const report = await lockt.users.save(records, { validateFailsBatch: vfb, onProgress: (p) => progress.push(p) });
    const why = describeRun(info);

    // Every index exactly once, in order; counts add up.
    assert.equal(report.total, records.length, why);
    assert.deepEqual(report.records.map((r) => r.index), records.map((_, i) => i), why);
    const count = (s) => report.records.filter((r) => r.status === s).length;
    for (const s of ["committed", "rejected", "unknown", "notSent"]) assert.equal(report[s], count(s), `${s}: ${why}`);
    assert.equal(report.committed + report.rejected + report.unknown + report.notSent, records.length, why);
    // The sandbox answers every read-back (only POSTs get faults), so none can leave a record
    // unknown; a record absent after its send and its resend is notSent, and the run stops.
    assert.deepEqual(report.records.filter((r) => r.status === "unknown").map((r) => `${r.index}: ${r.messages}`), [], why);
    if (report.notSent > 0) assert.ok(report.stoppedBy || (vfb && info.invalid > 0), `notSent without a stop: ${why}`);

    // Client-side invalid records are rejected with the validator's messages; with
    // validateFailsBatch true and any of them, nothing is sent.
    kinds.forEach((k, i) => {
      if (k === "invalid") assert.equal(report.records[i].status, "rejected", `record ${i}: ${why}`);
    });
    if (vfb && info.invalid > 0) {
      assert.equal(report.calls, 0, why);
      assert.equal(report.committed, 0, why);
    }

    // The sandbox afterwards.
    const held = (await client({ timeoutMs: 10_000 }).users.list()).filter((u) => u.id_num?.startsWith(`P${iteration}-`));
    const byIdNum = new Map();
    for (const u of held) byIdNum.set(u.id_num, (byIdNum.get(u.id_num) ?? 0) + 1);
    assert.deepEqual([...byIdNum].filter(([, c]) => c > 1), [], `a record applied twice: ${why}`);
    const status = new Map(report.records.map((r) => [records[r.index].id_num, r]));
    report.records.forEach((r, i) => {
      if (r.status !== "committed") return;
      const u = held.find((h) => h.id_num === records[i].id_num);
      assert.ok(u, `committed record ${i} (${records[i].id_num}) is missing from the sandbox: ${why}`);
      assert.equal(u.card_num, records[i].card_num, why);
      assert.equal(u.first_name, records[i].first_name, why);
    });
    for (const u of held) {
      // A repeated id_num (client-side invalid) maps to the first record's status.
      const r = status.get(u.id_num);
      const first = report.records[records.findIndex((x) => x.id_num === u.id_num)];
      assert.equal(first.status, "committed", `${u.id_num} is in the sandbox but ${first.status} (${r.messages}): ${why}`);
    }
    assert.ok(!held.some((u) => u.card_num === TAKEN_CARD), why);

    // Calls: one sandbox POST per call, besides 429s the transport retried within a call.
    // A POST the client gave up on during a long delay is not in the sandbox's log (the
    // sandbox drops the request when the client disconnects), so those are counted from the
    // fault queue: every long delay consumed is one such call.
    const logged = (await sb.admin.requests()).filter((q) => q.method === "POST" && q.path.replace(/\/$/, "") === USER);
    const answered429 = logged.filter((q) => q.status === 429).length;
    const left = (await (await fetch(`${sb.origin}/__admin/faults`)).json()).faults ?? [];
    const longDelays = (list) => list.filter((f) => f.kind === "delay" && f.ms > TIMEOUT_MS).length;
    const abandoned = longDelays(faults) - longDelays(left);
    assert.equal(logged.length - answered429 + abandoned, report.calls, `POSTs logged ${logged.length} (${answered429} × 429) + ${abandoned} abandoned vs report.calls ${report.calls}: ${why}`);
    // Progress after each planned call that was made, numbered from 1.
    assert.deepEqual(progress.map((p) => p.batch), progress.map((_, k) => k + 1), why);
    if (progress.length) assert.equal(progress.at(-1).total, records.length - info.invalid, why);
    // A record is sent again only after a call that got no answer, and at most once.
    const sends = new Map();
    for (const q of logged) for (const u of q.body?.users ?? []) sends.set(u.id_num, [...(sends.get(u.id_num) ?? []), q.status]);
    for (const [idNum, statuses] of sends) {
      assert.ok(statuses.length <= 2, `${idNum} sent ${statuses.length} times (${statuses}): ${why}`);
      assert.ok(statuses.slice(0, -1).every((st) => st !== 200 && st !== 400), `${idNum} sent again after an answer (${statuses}): ${why}`);
    }
    assert.ok(report.summary.inserted <= held.length, `summary.inserted ${report.summary.inserted} > held ${held.length}: ${why}`);

    for (const s of ["committed", "rejected", "unknown", "notSent", "calls"]) tally[s] += report[s];
    tally.faults += faults.filter((f) => f.ms !== 0).length;
    await sb.admin.clearFaults();
  }
  console.log(`# seed ${seed}: ${ITERATIONS} runs in ${((performance.now() - started) / 1000).toFixed(1)} s: ${JSON.stringify(tally)}`);
  // The fixed seeds are chosen to commit records (a seed that never does would check little); a
  // random seed may fairly commit none (each run held back by validateFailsBatch or stopped by
  // its first fault), as seed 1770047622 does in its five runs.
  if (FIXED_SEEDS.includes(seed)) assert.ok(tally.committed > 0, `some records were committed (seed ${seed})`);
}
