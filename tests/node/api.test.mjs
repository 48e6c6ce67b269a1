// Every method of the client against the sandbox over real HTTP: the results, and the
// requests the sandbox received (method, path, headers, body).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { importPackage } from "../support/pkg.mjs";
import { API_KEY, API_USER, startSandbox } from "../support/sandbox.mjs";

let sdk, sb, lockt;
const unique = `${process.pid}-${Date.now()}`;

before(async () => {
  sdk = await importPackage();
  sb = await startSandbox({ seed: "demo" });
  lockt = new sdk.LocktClient({ baseUrl: sb.baseUrl, apiUser: API_USER, apiKey: API_KEY });
});
after(() => sb?.stop());

/** The requests the sandbox received while `fn` ran. */
async function received(fn) {
  await sb.admin.clearRequests();
  const result = await fn();
  return { result, requests: await sb.admin.requests() };
}

describe("reads", () => {
  test("users.list sends GET /user with the credentials and Content-Type", async () => {
    const { result, requests } = await received(() => lockt.users.list());
    assert.ok(result.length > 400);
    assert.ok(result.every((u) => Number.isInteger(u.id)));
    assert.equal(requests.length, 1);
    assert.equal(requests[0].method, "GET");
    assert.equal(requests[0].path, "/api/v1/user");
    assert.equal(requests[0].apiuser, API_USER);
    assert.equal(requests[0].apikey_ok, true);
    assert.match(requests[0].content_type, /^application\/json/);
  });

  test("users.get and users.getByIdNum return the reference's records, null when missing", async () => {
    const susan = await lockt.users.get(1693);
    assert.equal(susan.last_name, "Brown3");
    assert.equal(susan.card_num, "8769");
    assert.equal(susan.enabled, true);
    const joe = await lockt.users.getByIdNum("ABC123-98765");
    assert.equal(joe.id, 1690);
    assert.equal(joe.access_effective, "2022-01-05T23:59:59.000Z");
    assert.equal(await lockt.users.get(987654321), null);
    const { result, requests } = await received(() => lockt.users.getByIdNum("no such & thing"));
    assert.equal(result, null);
    assert.equal(requests[0].query, "idnum=no%20such%20%26%20thing");
  });

  test("credentials.list and credentials.summary", async () => {
    const creds = await lockt.credentials.list();
    const c335 = creds.find((c) => c.id === 335);
    assert.deepEqual(c335.user, { id: 300, name: "User, Test" }, "the array of one becomes an object");
    const s = await lockt.credentials.summary();
    assert.equal(s.claimed + s.unclaimed, s.total);
    assert.equal(s.total, creds.length);
  });

  test("events.list returns at most 5,000; events.after is strictly after, ascending", async () => {
    const all = await lockt.events.list();
    assert.ok(all.length > 0 && all.length <= 5000);
    const ids = all.map((e) => e.id).sort((a, b) => a - b);
    const pivot = ids[ids.length - 10];
    const { result, requests } = await received(() => lockt.events.after(pivot));
    assert.deepEqual(result.map((e) => e.id), ids.slice(-9));
    assert.equal(requests[0].query, `id=${pivot}`);
  });

  test("doors.list, doors.states, schedules.list, accessLevels.list", async () => {
    const doors = await lockt.doors.list();
    assert.ok(doors.some((d) => d.id === 166 && d.name === "Office Supplies"));
    const states = await lockt.doors.states();
    assert.deepEqual(states, await sb.raw("doorstate"), "battery_level included, as the sandbox sent it");
    assert.ok(states.every((s) => s.battery_level >= 0 && s.battery_level <= 1));
    const schedules = await lockt.schedules.list();
    const weekend = schedules.find((s) => s.id === 1404);
    assert.deepEqual([weekend.d0, weekend.d5, weekend.d6, weekend.start], [0, 1, 1, "06:40:00"]);
    const levels = await lockt.accessLevels.list();
    assert.deepEqual(levels.find((l) => l.id === 574).doors, [{ id: 1087, name: "Front Door" }]);
    assert.deepEqual(levels.find((l) => l.id === 212).doors, [], "absent doors read as an empty list");
  });

  test("fobs.list, fobs.check, nextCardNumber", async () => {
    // A new fob: its creation is an event for its card, the activity fobs.check reports.
    assert.equal((await lockt.fobs.create([{ name: `Active ${unique}`, card_num: String(710000 + (process.pid % 100000)) }])).committed, 1);
    const fobs = await lockt.fobs.list();
    assert.ok(fobs.some((f) => f.id === 5678 && f.name === "Fob 1"));
    const check = await lockt.fobs.check();
    assert.deepEqual(check.map((f) => f.id), fobs.map((f) => f.id));
    const sent = await sb.raw("fobcheck");
    assert.ok(sent.some((f) => f.last_activity), "the sandbox has activity to report");
    assert.deepEqual(check.map((f) => f.last_activity), sent.map((f) => f.last_activity || undefined), "\"\" reads as unset");
    const next = await lockt.nextCardNumber();
    assert.equal(next, (await sb.raw("nextcardnum"))[0].card_num);
  });

  test("every read hands each record over whole, with the values the API sent", async () => {
    // What the SDK reads differently, by the errata: "" is unset (7), a credential's `user`
    // array of one is the object (11), an access level without doors has an empty list.
    const unset = (r) => Object.fromEntries(Object.entries(r).filter(([k, v]) => !(v === "" && /^(access_|last_activity)/.test(k))));
    const reads = [
      ["user", () => lockt.users.list()],
      ["credential", () => lockt.credentials.list(), (c) => ({ ...c, user: Array.isArray(c.user) ? c.user[0] : c.user })],
      ["credentialsummary", async () => [await lockt.credentials.summary()]],
      ["events", () => lockt.events.list()],
      ["door", () => lockt.doors.list()],
      ["doorstate", () => lockt.doors.states()],
      ["fob", () => lockt.fobs.list()],
      ["fobcheck", () => lockt.fobs.check()],
      ["schedule", () => lockt.schedules.list()],
      ["accesslevel", () => lockt.accessLevels.list(), (l) => ({ doors: [], ...l })],
    ];
    for (const [path, read, reshape = (r) => r] of reads) {
      const got = await read();
      const sent = await sb.raw(path);
      assert.ok(sent.length > 0, path);
      assert.deepEqual(got, sent.map((r) => unset(reshape(r))), path);
    }
  });
});

describe("writes", () => {
  test("users.save sends the wire form with the options as strings, and reports each record", async () => {
    const users = [
      { id_num: `A-${unique}`, first_name: " Ann ", last_name: "Lee", card_num: 4100 + (process.pid % 1000) * 10, email: `ann.${unique}@example.com`, access_effective: "2024-01-01", access_expires: new Date("2030-06-01T08:00:00Z"), enabled: true, accesslevels: [{ name: "housekeeping" }, 512] },
      { id_num: `B-${unique}`, first_name: "Bo", card_num: "A8914" },
    ];
    const { result, requests } = await received(() => lockt.users.save(users, { validateFailsBatch: false, updateExisting: false }));
    assert.equal(result.committed, 1);
    assert.equal(result.rejected, 1);
    assert.deepEqual(result.records[1].messages, ["Non-Numeric card_num found: A8914"]);
    const post = requests.find((r) => r.method === "POST");
    assert.equal(post.path, "/api/v1/user");
    assert.deepEqual(post.body.options, { update_existing: "false", validate_fails_batch: "false", replace_privileges: "true" });
    assert.equal(post.body.users.length, 1, "the invalid record is not sent");
    const sent = post.body.users[0];
    assert.equal(sent.first_name, "Ann");
    assert.equal(sent.card_num, String(users[0].card_num));
    assert.equal(sent.access_effective, "2024-01-01 00:00:00");
    assert.equal(sent.access_expires, "2030-06-01 08:00:00");
    assert.equal(sent.enabled, "true");
    assert.deepEqual(sent.accesslevels, [{ id: 574 }, { id: 512 }], "names resolved through GET /accesslevel");
    const stored = await lockt.users.getByIdNum(`A-${unique}`);
    assert.deepEqual(stored.accesslevels.map((l) => l.id).sort(), [512, 574]);
  });

  test("users.save with validateFailsBatch (default) sends nothing while a record is invalid", async () => {
    const { result, requests } = await received(() => lockt.users.save([{ first_name: "Ok" }, { first_name: "Bad", email: "rgreswell0@@@@gravatar.com" }]));
    assert.equal(requests.length, 0);
    assert.deepEqual(result.records.map((r) => r.status), ["notSent", "rejected"]);
    assert.deepEqual(result.records[1].messages, ["Invalid email address found: rgreswell0@@@@gravatar.com"]);
  });

  test("users.save maps server rejections back to the record's index", async () => {
    const users = [{ id_num: `C-${unique}`, first_name: "Cy" }, { id_num: `D-${unique}`, first_name: "Di", card_num: "8769" }];
    const report = await lockt.users.save(users);
    assert.deepEqual(report.records.map((r) => r.status), ["rejected", "rejected"]);
    assert.match(report.records[1].messages[0], /8769/);
    assert.equal(report.records[1].input_data.card_num, "8769");
    assert.match(report.records[0].messages[0], /validateFailsBatch/);
    assert.equal(await lockt.users.getByIdNum(`C-${unique}`), null, "nothing committed");
  });

  test("a record the API skips as already existing (updateExisting false) is rejected, not committed", async () => {
    const report = await lockt.users.save([{ id_num: "ABC123-98765", first_name: "Someone else" }, { id_num: `N-${unique}`, first_name: "New" }]);
    assert.equal(report.summary.submitted, 2);
    assert.equal(report.summary.inserted, 1);
    assert.deepEqual(report.records.map((r) => r.status), ["rejected", "committed"]);
    assert.match(report.records[0].messages[0], /^Ignored by the API/);
    assert.equal((await lockt.users.getByIdNum("ABC123-98765")).first_name, "Joe3");
  });

  test("users.validate checks on the server and commits nothing", async () => {
    const { result, requests } = await received(() => lockt.users.validate([{ id_num: `V-${unique}`, first_name: "Val" }, { first_name: "X", card_num: "8769" }, { first_name: "Y", pin: "12a" }]));
    assert.equal(requests.filter((r) => r.path === "/api/v1/uservalidate").length, 1);
    assert.deepEqual(result.details.map((d) => d.index), [1, 2]);
    assert.equal(await lockt.users.getByIdNum(`V-${unique}`), null);
  });

  test("doors.create reports the duplicate name in the reference's words", async () => {
    const { result, requests } = await received(() => lockt.doors.create([{ name: `Door ${unique}` }, { name: "Office Supplies" }], { validateFailsBatch: false }));
    assert.deepEqual(requests[0].body, { doors: [{ name: `Door ${unique}` }, { name: "Office Supplies" }], options: { validate_fails_batch: "false" } });
    assert.deepEqual(result.records.map((r) => r.status), ["committed", "rejected"]);
    assert.deepEqual(result.records[1].messages, ["Door Name Already Exists: Office Supplies"]);
    assert.ok((await lockt.doors.list()).some((d) => d.name === `Door ${unique}`));
  });

  test("fobs.create sends card_num as text; fobs.reassign sends ids as digit text", async () => {
    const card = String(700000 + (process.pid % 100000));
    const { result, requests } = await received(() => lockt.fobs.create([{ name: `Fob ${unique}`, id_num: `F-${unique}`, card_num: Number(card), access_effective: "2022-05-05 05:00:00", access_expires: "2022-05-25 08:00:00" }]));
    assert.equal(result.committed, 1);
    assert.equal(requests[0].body.fobs[0].card_num, card);
    const fob = (await lockt.fobs.list()).find((f) => f.card_num === card);
    const reassign = await received(() => lockt.fobs.reassign([{ id: fob.id, user_id: 1693, access_effective: "2022-06-10 05:00:00", access_expires: "2022-06-10 08:00:00" }]));
    assert.equal(reassign.result.committed, 1, JSON.stringify(reassign.result));
    assert.equal(reassign.requests[0].method, "PUT");
    assert.deepEqual(reassign.requests[0].body.fobs[0], { id: String(fob.id), user_id: "1693", access_effective: "2022-06-10 05:00:00", access_expires: "2022-06-10 08:00:00" });
    const bad = await lockt.fobs.reassign([{ id: fob.id, user_id: 999999999 }]);
    assert.equal(bad.rejected, 1);
    assert.match(bad.records[0].messages.join(), /User Not Found/);
  });

  test("credentials.reissue gives a new key", async () => {
    const before = (await lockt.credentials.list()).find((c) => c.id === 335);
    const report = await lockt.credentials.reissue([{ id: 335 }]);
    assert.equal(report.committed, 1);
    const now = (await lockt.credentials.list()).find((c) => c.id === 335);
    assert.notEqual(now.credential_key, before.credential_key);
    assert.equal((await lockt.credentials.reissue([{ id: 999999 }], { validateFailsBatch: false })).rejected, 1);
  });

  test("writes of one client never overlap, even when called together", async () => {
    const slow = new sdk.LocktClient({ baseUrl: sb.baseUrl, apiUser: API_USER, apiKey: API_KEY });
    await sb.admin.faults([{ match: { method: "POST" }, kind: "delay", ms: 300 }]);
    const { result, requests } = await received(() => Promise.all([
      slow.doors.create([{ name: `Par A ${unique}` }]),
      slow.doors.create([{ name: `Par B ${unique}` }]),
      slow.users.save([{ id_num: `P-${unique}`, first_name: "Par" }]),
    ]));
    assert.deepEqual(result.map((r) => r.committed), [1, 1, 1]);
    const posts = requests.filter((r) => r.method === "POST");
    assert.equal(posts.length, 3);
    assert.ok(posts.every((r) => r.status === 200), "no 429");
    for (let i = 1; i < posts.length; i++) assert.ok(posts[i].start_ms >= posts[i - 1].end_ms, "one write at a time");
  });
});

describe("errors", () => {
  test("a wrong apikey is an auth LocktError", async () => {
    const bad = new sdk.LocktClient({ baseUrl: sb.baseUrl, apiUser: API_USER, apiKey: "not-the-key" });
    await assert.rejects(bad.users.list(), (e) => e instanceof sdk.LocktError && e.kind === "auth" && e.status === 401 && !e.retryable);
  });

  test("bad settings are config errors thrown by the constructor", () => {
    for (const options of [{ baseUrl: "http://cloudapi.lockt.com/api/v1", apiUser: "u", apiKey: "k" }, { apiUser: "u" }, { baseUrl: sb.baseUrl, apiUser: "u", apiKey: "k", timeoutMs: -1 }, { baseUrl: sb.baseUrl, apiUser: "u", apiKey: "k", headers: { apikey: "x" } }, { baseUrl: sb.baseUrl, apiUser: "u", apiKey: "k", nonsense: 1 }]) {
      assert.throws(() => new sdk.LocktClient(options), (e) => e instanceof sdk.LocktError && e.kind === "config", JSON.stringify(options));
    }
  });

  test("bad arguments reject with config errors", async () => {
    await assert.rejects(lockt.users.get(-3), (e) => e.kind === "config");
    await assert.rejects(lockt.users.save("nope"), (e) => e.kind === "config");
    await assert.rejects(lockt.users.save([], { updateExisting: "yes" }), (e) => e.kind === "config" && /updateExisting/.test(e.message));
  });

  test("an aborted signal rejects with aborted", async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(lockt.users.list({ signal: controller.signal }), (e) => e.kind === "aborted");
  });
});
