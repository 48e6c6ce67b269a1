// The fault matrix of issue 8: every row is one test, named after the row, with a read and
// (where it applies) a batched write against the sandbox's fault injection.
//
// For each row: the documented LocktError kind; reads retried per the transport policy
// (GETs on network errors, 502, 503, 504, up to maxRetries = 2, i.e. at most 3 sends;
// never on 500, decode errors or timeouts; a 429, read or write, is waited out within
// rateLimit.maxWaitMs whatever maxRetries); writes never sent twice (counted in the
// sandbox's request log); an after_commit fault is settled by reading back (committed, one
// POST), a fault before the commit leaves the record absent so it is resent exactly once;
// and the BatchReport accounts for every input index exactly once.
import assert from "node:assert/strict";
import { after, before, beforeEach, test } from "node:test";
import { importPackage } from "../support/pkg.mjs";
import { startSandbox } from "../support/sandbox.mjs";

const { LocktClient, LocktError } = await importPackage();

const USER = "/api/v1/user";
const HTML_CT = "text/html";

let sb;
let run = 0;

before(async () => {
  sb = await startSandbox({ seed: "demo" });
});
after(async () => {
  await sb?.stop();
});
beforeEach(async () => {
  await sb.admin.clearFaults();
  await sb.admin.clearRequests();
  run += 1;
});

function client(options = {}) {
  return new LocktClient({ baseUrl: sb.baseUrl, apiUser: sb.apiUser, apiKey: sb.apiKey, timeoutMs: 5_000, ...options });
}

/** `n` new users with id_nums unique to this test. */
function users(n, tag) {
  return Array.from({ length: n }, (_, i) => ({
    id_num: `F${run}-${tag}-${i}`,
    first_name: `Fault${i}`,
    last_name: `Row${run}`,
  }));
}

/** The requests the sandbox received for `method path` (dropped connections included). */
async function sends(method, path) {
  return (await sb.admin.requests()).filter((r) => r.method === method && r.path.replace(/\/$/, "") === path);
}

/** How many users the sandbox holds with each id_num of `records` (each must be 1). */
async function storedCounts(records) {
  const all = await client().users.list();
  return records.map((r) => all.filter((u) => u.id_num === r.id_num).length);
}

/** The promise's rejection, which must be a LocktError. */
async function rejection(promise) {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof LocktError, `expected a LocktError, got ${error?.stack ?? error}`);
    return error;
  }
  assert.fail("expected the call to reject");
}

/** Every input index exactly once, in order, and the counts add up. */
function assertAccounts(report, total) {
  assert.equal(report.total, total);
  assert.deepEqual(
    report.records.map((r) => r.index),
    Array.from({ length: total }, (_, i) => i),
    "every index exactly once, in input order",
  );
  const count = (s) => report.records.filter((r) => r.status === s).length;
  assert.equal(report.committed, count("committed"));
  assert.equal(report.rejected, count("rejected"));
  assert.equal(report.unknown, count("unknown"));
  assert.equal(report.notSent, count("notSent"));
  assert.equal(report.committed + report.rejected + report.unknown + report.notSent, total);
}

const statusFault = (status, extra = {}) => ({
  kind: "status",
  status,
  body: `<html><body><h1>${status} Oops</h1><p>upstream</p></body></html>`,
  content_type: HTML_CT,
  ...extra,
});
const onGetUsers = { match: { method: "GET", path: USER } };
const onPostUsers = { match: { method: "POST", path: USER } };
/** A pass-through fault: lets the first matching request go and queues the next fault for the one after. */
const passThrough = (match) => ({ ...match, kind: "delay", ms: 0 });

/** A read through one retryable answer: retried once, then succeeds. */
async function readRecoversAfter(fault) {
  await sb.admin.faults([{ ...onGetUsers, ...fault }]);
  const list = await client().users.list();
  assert.ok(list.length > 500, "the retry returned the full list");
  const gets = await sends("GET", USER);
  assert.equal(gets.length, 2, "one failed send, one retry");
  assert.equal(gets[1].status, 200);
}

/** A read through persistent faults: maxRetries (2) retries, then the documented kind. */
async function readGivesUp(fault, kind, sentTimes) {
  await sb.admin.faults(Array.from({ length: 4 }, () => ({ ...onGetUsers, ...fault })));
  const error = await rejection(client().users.list());
  assert.equal(error.kind, kind);
  assert.equal((await sends("GET", USER)).length, sentTimes);
  return error;
}

/** A write whose call fails before the commit: read back, found absent, resent exactly once. */
async function writeResentOnceAfter(fault, tag) {
  const input = users(3, tag);
  await sb.admin.faults([{ ...onPostUsers, ...fault }]);
  const report = await client().users.save(input);
  assertAccounts(report, 3);
  assert.equal(report.committed, 3, JSON.stringify(report));
  assert.equal(report.calls, 2, "the failed call and one resend");
  const posts = await sends("POST", USER);
  assert.equal(posts.length, 2, "sent, then resent once");
  assert.deepEqual(await storedCounts(input), [1, 1, 1]);
  const readBacks = await sends("GET", USER);
  assert.ok(readBacks.length >= 1, "the unanswered call was read back before the resend");
  assert.ok(readBacks[0].seq > posts[0].seq && readBacks[0].seq < posts[1].seq, "read back between the send and the resend");
  return report;
}

/** A write whose call is committed and then answered badly: read back, committed, one POST. */
async function writeCommittedByReadBack(fault, tag) {
  const input = users(3, tag);
  await sb.admin.faults([{ ...onPostUsers, ...fault }]);
  const report = await client().users.save(input);
  assertAccounts(report, 3);
  assert.equal(report.committed, 3, JSON.stringify(report));
  for (const r of report.records) assert.match(r.messages.join(" "), /reading back/i);
  assert.equal(report.calls, 1);
  const posts = await sends("POST", USER);
  assert.equal(posts.length, 1, "never sent twice");
  assert.deepEqual(await storedCounts(input), [1, 1, 1]);
  return report;
}

for (const status of [500, 502, 503]) {
  test(`${status} with HTML body`, async (t) => {
    await t.test("read: server kind; retried per the policy", async () => {
      if (status === 500) {
        // 500 is not in the retry list: one send, a server error with the status.
        const error = await readGivesUp(statusFault(500), "server", 1);
        assert.equal(error.status, 500);
        assert.equal(error.retryable, true);
      } else {
        await readRecoversAfter(statusFault(status));
        await sb.admin.clearRequests();
        const error = await readGivesUp(statusFault(status), "server", 3);
        assert.equal(error.status, status);
        assert.ok(!/<html|<body/i.test(error.message), `no HTML in the message: ${error.message}`);
        await sb.admin.clearFaults();
      }
    });
    await t.test("batched write before the commit: absent on read-back, resent once", async () => {
      await writeResentOnceAfter(statusFault(status), `pre${status}`);
    });
    await t.test("batched write after the commit: committed by read-back, sent once", async () => {
      await writeCommittedByReadBack(statusFault(status, { after_commit: true }), `post${status}`);
    });
    if (status === 502) {
      await t.test("users with a PIN, after the commit: committed by read-back (reads never show a pin)", async () => {
        // Issue 12: the reference's User object has no pin, so reading back cannot compare it.
        const input = users(3, "pin").map((u, i) => ({ ...u, pin: `098${i}` }));
        await sb.admin.faults([{ ...onPostUsers, ...statusFault(502, { after_commit: true }) }]);
        const report = await client().users.save(input);
        assertAccounts(report, 3);
        assert.equal(report.committed, 3, JSON.stringify(report));
        assert.ok(report.records.every((r) => r.reason === "read_back"), JSON.stringify(report.records));
        assert.equal((await sends("POST", USER)).length, 1, "never sent twice");
        const stored = (await client().users.list()).filter((u) => input.some((r) => r.id_num === u.id_num));
        assert.equal(stored.length, 3);
        assert.ok(stored.every((u) => !("pin" in u)), "GET /user shows no pin");
      });
      await t.test("multi-call batch: only the faulty call is read back; nothing sent twice", async () => {
        const input = users(150, "multi");
        // The first call passes, the second is committed and answered with a 502.
        await sb.admin.faults([passThrough(onPostUsers), { ...onPostUsers, ...statusFault(502, { after_commit: true }) }]);
        const report = await client().users.save(input);
        assertAccounts(report, 150);
        assert.equal(report.committed, 150);
        assert.equal((await sends("POST", USER)).length, 2);
        assert.ok((await storedCounts(input)).every((n) => n === 1));
      });
      await t.test("the send and the resend both fail before the commit: notSent, safe to send again, the run stops", async () => {
        const input = users(150, "twice");
        await sb.admin.faults([{ ...onPostUsers, ...statusFault(502) }, { ...onPostUsers, ...statusFault(502) }]);
        const report = await client().users.save(input);
        assertAccounts(report, 150);
        assert.deepEqual([report.committed, report.rejected, report.unknown, report.notSent], [0, 0, 0, 150], JSON.stringify(report.records[0]));
        for (const r of report.records.slice(0, 100)) assert.match(r.messages.join(" "), /safe to send again/);
        assert.deepEqual(report.stoppedBy, { kind: "server", status: 502, message: report.stoppedBy.message });
        assert.equal(report.calls, 2, "the send and the resend");
        const posts = await sends("POST", USER);
        assert.deepEqual(posts.map((p) => p.body.users.length), [100, 100], "the second call is never sent");
        assert.deepEqual(await storedCounts(input), input.map(() => 0));
      });
    }
    if (status === 500) {
      await t.test("batched write that cannot be read back (credentials.reissue): unknown, never resent", async () => {
        await sb.admin.faults([{ match: { method: "POST", path: "/api/v1/credential" }, ...statusFault(500, { after_commit: true }) }]);
        const report = await client().credentials.reissue([{ id: 335 }, { id: 129813 }]);
        assertAccounts(report, 2);
        assert.equal(report.unknown, 2, JSON.stringify(report));
        assert.equal((await sends("POST", "/api/v1/credential")).length, 1);
      });
    }
  });
}

test("dropped connection", async (t) => {
  await t.test("read: network kind; retried", async () => {
    await readRecoversAfter({ kind: "drop" });
    await sb.admin.clearRequests();
    const error = await readGivesUp({ kind: "drop" }, "network", 3);
    assert.equal(error.retryable, true);
    assert.equal(error.status, undefined);
    await sb.admin.clearFaults();
  });
  await t.test("batched write dropped before the commit: resent once", async () => {
    await writeResentOnceAfter({ kind: "drop" }, "predrop");
  });
  await t.test("batched write dropped after the commit: committed by read-back, sent once", async () => {
    await writeCommittedByReadBack({ kind: "drop", after_commit: true }, "postdrop");
  });
  await t.test("doors.create dropped after the commit: read back by name, sent once", async () => {
    const doors = [{ name: `Fault door ${run} A` }, { name: `Fault door ${run} B` }];
    await sb.admin.faults([{ match: { method: "POST", path: "/api/v1/door" }, kind: "drop", after_commit: true }]);
    const report = await client().doors.create(doors);
    assertAccounts(report, 2);
    assert.equal(report.committed, 2, JSON.stringify(report));
    assert.equal((await sends("POST", "/api/v1/door")).length, 1);
    const names = (await client().doors.list()).map((d) => d.name);
    for (const d of doors) assert.equal(names.filter((n) => n === d.name).length, 1);
  });
});

test("response slower than the timeout", async (t) => {
  await t.test("read: timeout kind, within the timeout, not retried", async () => {
    await sb.admin.faults([{ ...onGetUsers, kind: "delay", ms: 2_500 }]);
    const started = performance.now();
    const error = await rejection(client({ timeoutMs: 400 }).users.list());
    const elapsed = performance.now() - started;
    assert.equal(error.kind, "timeout");
    assert.equal(error.retryable, true);
    // Not retried: a retry would have found no fault left and succeeded.
    assert.ok(elapsed < 2_000, `gave up after ${elapsed} ms`);
  });
  await t.test("batched write: read back, then resent at most once; stored exactly once", async () => {
    const input = users(3, "slow");
    await sb.admin.faults([{ ...onPostUsers, kind: "delay", ms: 2_500 }]);
    const report = await client({ timeoutMs: 400 }).users.save(input);
    assertAccounts(report, 3);
    assert.equal(report.committed, 3, JSON.stringify(report));
    assert.ok(report.calls <= 2, "at most the call and one resend");
    // The sandbox abandons a request whose client went away, so the timed-out send is not
    // in its log; the resend is, exactly once.
    assert.equal((await sends("POST", USER)).filter((r) => r.status === 200).length, 1);
    assert.deepEqual(await storedCounts(input), [1, 1, 1]);
  });
});

test("truncated JSON", async (t) => {
  await t.test("read: decode kind, not retried", async () => {
    const error = await readGivesUp({ kind: "truncate" }, "decode", 1);
    assert.equal(error.status, 200);
    assert.equal(error.retryable, false);
    await sb.admin.clearFaults();
  });
  await t.test("batched write: committed by read-back, sent once", async () => {
    await writeCommittedByReadBack({ kind: "truncate" }, "trunc");
  });
});

test("non-JSON content type", async (t) => {
  await t.test("read: decode kind, not retried", async () => {
    const error = await readGivesUp({ kind: "content_type", content_type: "text/html; charset=utf-8" }, "decode", 1);
    assert.match(error.message, /content type/);
    await sb.admin.clearFaults();
  });
  await t.test("batched write: committed by read-back, sent once", async () => {
    await writeCommittedByReadBack({ kind: "content_type", content_type: "text/plain" }, "ctype");
  });
});

test("empty body", async (t) => {
  await t.test("read: decode kind, not retried", async () => {
    const error = await readGivesUp({ kind: "empty" }, "decode", 1);
    assert.match(error.message, /empty/);
    await sb.admin.clearFaults();
  });
  await t.test("batched write: committed by read-back, sent once", async () => {
    await writeCommittedByReadBack({ kind: "empty" }, "empty");
  });
});

const fault401 = {
  kind: "status",
  status: 401,
  body: JSON.stringify({ result: ["Access denied. Invalid API credentials."] }),
  content_type: "application/json",
};

test("401 in the middle of a batch run", async (t) => {
  await t.test("read: auth kind, not retried", async () => {
    const error = await readGivesUp(fault401, "auth", 1);
    assert.equal(error.status, 401);
    assert.equal(error.retryable, false);
    await sb.admin.clearFaults();
  });
  await t.test("batched write: the run stops; committed calls stay committed, the rest notSent", async () => {
    const input = users(250, "auth");
    await sb.admin.faults([passThrough(onPostUsers), { ...onPostUsers, ...fault401 }]);
    const report = await client().users.save(input);
    assertAccounts(report, 250);
    assert.equal(report.committed, 100);
    assert.equal(report.notSent, 150);
    assert.equal(report.stoppedBy?.kind, "auth");
    assert.equal(report.stoppedBy?.status, 401);
    assert.ok(report.records.slice(100).every((r) => r.status === "notSent"));
    const posts = await sends("POST", USER);
    assert.equal(posts.length, 2, "the third call is never sent");
    const stored = await storedCounts(input);
    assert.ok(stored.slice(0, 100).every((n) => n === 1) && stored.slice(100).every((n) => n === 0));
  });
});

test("429 on an overlapping write", async (t) => {
  await t.test("read: rate_limited, retried honouring Retry-After", async () => {
    const started = performance.now();
    await readRecoversAfter({ kind: "status", status: 429 });
    assert.ok(performance.now() - started >= 900, "waited the Retry-After second");
  });
  await t.test("read: 429s are waited out whatever maxRetries, until rateLimit.maxWaitMs runs out", async () => {
    await sb.admin.faults(Array.from({ length: 2 }, () => ({ ...onGetUsers, kind: "status", status: 429 })));
    assert.ok((await client({ maxRetries: 0 }).users.list()).length > 500);
    assert.deepEqual((await sends("GET", USER)).map((r) => r.status), [429, 429, 200]);
    await sb.admin.clearRequests();
    await sb.admin.faults(Array.from({ length: 3 }, () => ({ ...onGetUsers, kind: "status", status: 429 })));
    const error = await rejection(client({ rateLimit: { maxWaitMs: 1_500 } }).users.list());
    assert.equal(error.kind, "rate_limited");
    assert.equal(error.retryable, true);
    assert.equal((await sends("GET", USER)).length, 2, "one wait of the Retry-After second; a second one would exceed the patience");
  });
  await t.test("batched write overlapping another writer: 429 (uncommitted), retried, committed once", async () => {
    // Another writer holds the API's write slot for 700 ms.
    await sb.admin.faults([{ ...onPostUsers, kind: "delay", ms: 700 }]);
    const other = fetch(`${sb.baseUrl}/user`, {
      method: "POST",
      headers: { apiuser: sb.apiUser, apikey: sb.apiKey, "content-type": "application/json" },
      body: JSON.stringify({ users: users(1, "other") }),
    });
    await new Promise((resolve) => setTimeout(resolve, 150));
    const input = users(3, "overlap");
    const report = await client().users.save(input);
    assert.equal((await other).status, 200);
    assertAccounts(report, 3);
    assert.equal(report.committed, 3, JSON.stringify(report));
    const mine = (await sends("POST", USER)).filter((r) => r.body?.users?.[0]?.id_num === input[0].id_num);
    assert.equal(mine[0].status, 429, "the overlapping send was refused");
    assert.equal(mine.filter((r) => r.status === 200).length, 1, "applied exactly once");
    assert.ok(mine.length <= 3);
    assert.deepEqual(await storedCounts(input), [1, 1, 1]);
  });
  await t.test("batched write: 429s are waited out whatever maxRetries; each body applied once", async () => {
    const input = users(3, "patient");
    await sb.admin.faults(Array.from({ length: 2 }, () => ({ ...onPostUsers, kind: "status", status: 429 })));
    const report = await client({ maxRetries: 0 }).users.save(input);
    assertAccounts(report, 3);
    assert.equal(report.committed, 3, JSON.stringify(report));
    assert.deepEqual((await sends("POST", USER)).map((r) => r.status), [429, 429, 200]);
    assert.deepEqual(await storedCounts(input), [1, 1, 1]);
  });
  await t.test("batched write refused beyond rateLimit.maxWaitMs: the run stops, every record notSent", async () => {
    const input = users(120, "limit");
    await sb.admin.faults(Array.from({ length: 3 }, () => ({ ...onPostUsers, kind: "status", status: 429 })));
    const report = await client({ rateLimit: { maxWaitMs: 1_500 } }).users.save(input);
    assertAccounts(report, 120);
    assert.equal(report.notSent, 120);
    assert.equal(report.stoppedBy?.kind, "rate_limited");
    assert.equal((await sends("POST", USER)).length, 2, "the first call, sent again once after the Retry-After second; the second call never sent");
    assert.ok((await storedCounts(input)).every((n) => n === 0));
  });
});

test("full 5,000-event response", async (t) => {
  await sb.admin.burstEvents(5_000);
  await t.test("read: all 5,000, newest first, in one request", async () => {
    const events = await client().events.list();
    assert.equal(events.length, 5_000);
    assert.equal(new Set(events.map((e) => e.id)).size, 5_000);
    assert.ok(events.every((e, i) => i === 0 || events[i - 1].id > e.id), "newest first");
    const gets = await sends("GET", "/api/v1/events");
    assert.equal(gets.length, 1);
    assert.equal(gets[0].records, 5_000);
  });
  await t.test("read: events.after(0) gives the same 5,000 ascending", async () => {
    const events = await client().events.after(0);
    assert.equal(events.length, 5_000);
    assert.ok(events.every((e, i) => i === 0 || events[i - 1].id < e.id));
  });
  await t.test("read: the full response truncated is a decode error, not a partial list", async () => {
    await sb.admin.faults([{ match: { method: "GET", path: "/api/v1/events" }, kind: "truncate" }]);
    const error = await rejection(client().events.list());
    assert.equal(error.kind, "decode");
  });
  await t.test("read: the full response slower than the timeout is a timeout", async () => {
    await sb.admin.faults([{ match: { method: "GET", path: "/api/v1/events" }, kind: "delay", ms: 2_000 }]);
    const error = await rejection(client({ timeoutMs: 300 }).events.list());
    assert.equal(error.kind, "timeout");
  });
});
