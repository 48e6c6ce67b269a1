// The workflows against the sandbox: the tail's gaps and backoff, the case processes, and a
// 2,000-row roster sync that applies exactly and leaves nothing to do. (A tail resumed across
// a kill is in cli.test.mjs, through `lockt events tail`.)
import assert from "node:assert/strict";
import { getEventListeners } from "node:events";
import { after, before, describe, test } from "node:test";
import { importPackage } from "../support/pkg.mjs";
import { API_KEY, API_USER, startSandbox } from "../support/sandbox.mjs";

let sdk, sb, lockt;

before(async () => {
  sdk = await importPackage();
  sb = await startSandbox({ seed: "demo" });
  lockt = new sdk.LocktClient({ baseUrl: sb.baseUrl, apiUser: API_USER, apiKey: API_KEY });
});
after(async () => {
  await sb?.stop();
});

describe("events.tail", () => {
  test("polling leaves no abort listener behind on the caller's signal", async () => {
    const start = Math.max(...(await lockt.events.list()).map((e) => e.id));
    const stop = new AbortController();
    const tail = lockt.events.tail({ after: start, intervalMs: 5, signal: stop.signal });
    const polls = async () => (await sb.admin.requests()).filter((r) => r.path === "/api/v1/events").length;
    await sb.admin.clearRequests();
    const pending = tail.next(); // no event comes: the tail keeps polling
    while ((await polls()) < 15) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.ok(getEventListeners(stop.signal, "abort").length <= 2, `${getEventListeners(stop.signal, "abort").length} abort listeners after 15 polls`);
    stop.abort();
    assert.equal((await pending).done, true);
  });

  test("a full 5,000-event window past the cursor is reported as a gap", async () => {
    const start = Math.max(...(await lockt.events.list()).map((e) => e.id));
    await sb.admin.burstEvents(5200);
    const gaps = [];
    const stop = new AbortController();
    const tail = lockt.events.tail({ after: start, intervalMs: 10, signal: stop.signal, onGap: (g) => gaps.push(g) });
    const first = await tail.next();
    assert.equal(gaps.length, 1);
    assert.equal(gaps[0].from, start + 1);
    assert.equal(gaps[0].to, first.value.id - 1);
    assert.deepEqual(tail.gaps, gaps);
    assert.equal(tail.cursor, first.value.id);
    stop.abort();
    assert.equal((await tail.next()).done, true);
  });

  test("a tail rides out transient errors with backoff: 0.5 s, then doubling", async () => {
    const start = Math.max(...(await lockt.events.list()).map((e) => e.id));
    await sb.admin.clearRequests();
    await sb.admin.faults(Array.from({ length: 2 }, () => ({ match: { method: "GET", path: "/api/v1/events" }, kind: "status", status: 502 })));
    await sb.admin.burstEvents(2);
    const stop = new AbortController();
    // No transport retries: every 502 reaches the tail, whose own backoff spaces the polls.
    const once = new sdk.LocktClient({ baseUrl: sb.baseUrl, apiUser: API_USER, apiKey: API_KEY, maxRetries: 0 });
    const tail = once.events.tail({ after: start, intervalMs: 20, signal: stop.signal });
    const first = await tail.next();
    const second = await tail.next();
    assert.deepEqual([first.value.id, second.value.id], [start + 1, start + 2]);
    const polls = (await sb.admin.requests()).filter((r) => r.path === "/api/v1/events");
    assert.deepEqual(polls.slice(0, 3).map((r) => r.status), [502, 502, 200]);
    // The server sees each poll start at least the backoff after the previous answer.
    const waits = [1, 2].map((k) => polls[k].start_ms - polls[k - 1].end_ms);
    assert.ok(waits[0] >= 490 && waits[1] >= 990, `waits of ${waits.map(Math.round)} ms after the 502s`);
    stop.abort();
  });

  test("overlapping, newest-first windows (as the reference allows): each event once, ascending", async () => {
    const odd = await startSandbox({ seed: "demo", args: ["--events-overlap", "3", "--events-newest-first"] });
    try {
      const client = new sdk.LocktClient({ baseUrl: odd.baseUrl, apiUser: API_USER, apiKey: API_KEY });
      const start = Math.max(...(await client.events.list()).map((e) => e.id));
      const { first_id: first } = await odd.admin.burstEvents(4);
      const range = (from, to) => Array.from({ length: to - from + 1 }, (_, k) => from + k);
      assert.deepEqual((await odd.raw(`events?id=${first + 2}`)).map((e) => e.id), range(first, first + 3).reverse(), "the sandbox overlaps and answers newest first");
      assert.deepEqual((await client.events.after(start)).map((e) => e.id), range(first, first + 3));
      const stop = new AbortController();
      const tail = client.events.tail({ after: start, intervalMs: 10, signal: stop.signal });
      const got = [];
      for (let k = 0; k < 4; k++) got.push((await tail.next()).value.id);
      await odd.admin.burstEvents(3); // the next polls overlap the events already yielded
      for (let k = 0; k < 3; k++) got.push((await tail.next()).value.id);
      assert.deepEqual(got, range(first, first + 6));
      assert.equal(tail.cursor, first + 6);
      stop.abort();
    } finally {
      await odd.stop();
    }
  });

  test("without `after`, a tail starts at the newest event and yields only new ones", async () => {
    const stop = new AbortController();
    const tail = lockt.events.tail({ intervalMs: 20, signal: stop.signal });
    const next = tail.next();
    await new Promise((r) => setTimeout(r, 200));
    await sb.admin.burstEvents(1);
    const { value } = await next;
    const newest = Math.max(...(await lockt.events.list()).map((e) => e.id));
    assert.equal(value.id, newest);
    stop.abort();
  });
});

describe("case processes", () => {
  test("assignAccessLevels by name and id adds to the user's levels; an unknown name is not_found", async () => {
    const idnum = `CASE-${process.pid}`;
    await lockt.users.save([{ id_num: idnum, first_name: "Casey", last_name: "Case", email: `case${process.pid}@example.com` }]);
    let user = await lockt.users.assignAccessLevels(idnum, ["Housekeeping"]);
    assert.deepEqual(user.accesslevels.map((l) => l.id), [574]);
    user = await lockt.users.assignAccessLevels({ id: user.id }, [512]);
    assert.deepEqual(user.accesslevels.map((l) => l.id).sort(), [512, 574]);
    user = await lockt.users.assignAccessLevels(user.id, ["cardholder"], { replace: true });
    assert.deepEqual(user.accesslevels.map((l) => l.id), [512]);
    await assert.rejects(lockt.users.assignAccessLevels(user.id, ["Housekeepin"]), (e) => e.kind === "not_found" && /Housekeepin/.test(e.message));
    assert.equal(user.first_name, "Casey", "the rest of the record is kept");
  });

  test("disable sets access_expires at the given time, or now", async () => {
    const user = await lockt.users.disable(1690, { at: "2031-02-03 04:05:06" });
    assert.equal(user.access_expires, "2031-02-03T04:05:06.000Z");
    const now = await lockt.users.disable("ABC123-98765");
    const at = Date.parse(now.access_expires);
    assert.ok(Math.abs(at - Date.now()) < 60_000, now.access_expires);
    await assert.rejects(lockt.users.disable(987654321), (e) => e.kind === "not_found");
  });
});

describe("roster sync", () => {
  test("a 2,000-row roster plans creates, updates, disables and problems, applies exactly, and re-plans empty", async () => {
    const run = `R${process.pid}`;
    const person = (i, tweak = "") => ({
      id_num: `${run}-${i}`,
      first_name: `First${i}${tweak}`,
      last_name: `Last${i}`,
      email: `${run.toLowerCase()}.${i}@example.com`,
      card_num: String(5_000_000 + (process.pid % 1000) * 10_000 + i),
      phone: `555${String(i).padStart(7, "0")}`,
    });
    // Live: 1,500 managed users.
    const live = Array.from({ length: 1500 }, (_, i) => person(i));
    const setup = await lockt.users.save(live);
    assert.equal(setup.committed, 1500);

    // Roster: 1,000 unchanged, 300 updated, 690 new, 10 bad rows; 200 live users are missing.
    const roster = [
      ...live.slice(0, 1000),
      ...live.slice(1000, 1300).map((u, i) => ({ ...u, ...person(1000 + i, "X") })),
      ...Array.from({ length: 690 }, (_, i) => person(2000 + i)),
      ...Array.from({ length: 5 }, (_, i) => ({ ...person(3000 + i), email: "not-an-email" })),
      ...Array.from({ length: 5 }, (_, i) => ({ ...person(4000 + i), id_num: `${run}-${i}` })),
    ];
    assert.equal(roster.length, 2000);
    const managed = (users) => users.filter((u) => u.id_num?.startsWith(`${run}-`));
    const plan = await lockt.users.plan(roster, { disableMissing: true });
    // The demo seed's users are "missing" from this roster too: keep the check to this run's.
    const ours = (list) => list.filter((x) => (x.record ?? x).id_num?.startsWith(`${run}-`));
    assert.equal(plan.create.length, 690);
    assert.equal(plan.update.length, 300);
    assert.ok(plan.update.every((u) => u.changes.length === 1 && u.changes[0].field === "first_name"));
    assert.equal(ours(plan.disable).length, 200);
    assert.equal(plan.unchanged, 1000);
    assert.equal(plan.problems.length, 10);

    const limited = { ...plan, disable: ours(plan.disable) };
    const report = await lockt.users.apply(limited);
    assert.equal(report.committed, 1190, JSON.stringify(report.records.filter((r) => r.status !== "committed").slice(0, 3)));
    assert.equal(report.calls, 12);

    const after = new Map(managed(await lockt.users.list()).map((u) => [u.id_num, u]));
    assert.equal(after.size, 1500 + 690);
    for (const row of roster.slice(0, 1990)) {
      const u = after.get(row.id_num);
      if (Number(row.id_num.split("-")[1]) >= 3000) continue; // bad rows
      assert.equal(u?.first_name, row.first_name, row.id_num);
      assert.equal(u.access_expires, undefined, `${row.id_num} stays enabled`);
    }
    for (const missing of live.slice(1300)) assert.ok(after.get(missing.id_num).access_expires, `${missing.id_num} is disabled`);

    const again = await lockt.users.plan(roster, { disableMissing: true });
    assert.equal(again.create.length + again.update.length + ours(again.disable).length, 0);
    assert.equal(again.unchanged, 1990);
  });
});
