// Must NOT compile: every line marked `expect-error` has to be reported by tsc
// (scripts/test.mjs checks each marker), so each deliberate mistake is caught.
import { LocktError, version, type LocktErrorKind } from "lockt-secureaccess";

const n: number = version(); // expect-error
version(42); // expect-error
const kind: LocktErrorKind = "teapot"; // expect-error
new LocktError("x", { kind: "oops" }); // expect-error
new LocktError("x", { status: "401" }); // expect-error
const e = new LocktError("x");
const s: string = e.status; // expect-error
e.messages.push(1); // expect-error
const r: string = e.retryable; // expect-error
console.log(n, kind, s, r);

import { LocktClient, planBatches, type RecordReason, type SyncPlan, type User } from "lockt-secureaccess";
import * as everything from "lockt-secureaccess";
everything.initSync; // expect-error
everything.__panicForTests; // expect-error
everything.registerErrorClass; // expect-error
const shadowed: everything.Event = undefined; // expect-error
const lockt = new LocktClient({ apiUser: "u", apiKey: "k" });
new LocktClient({ apiKey: 42 }); // expect-error
new LocktClient({ timeoutMs: "5s" }); // expect-error
new LocktClient({ rateLimit: { maxWaitMs: "5 min" } }); // expect-error
new LocktClient({ hooks: { onRequest: () => {} } }); // expect-error
const retryReason: import("lockt-secureaccess").LocktRetryEvent["reason"] = "config"; // expect-error
console.log(retryReason);
async function misuse(): Promise<void> {
  const u: User = await lockt.users.get(1); // expect-error
  await lockt.users.save([{ first_name: 7 }]); // expect-error
  await lockt.users.save([{ first_name: "a" }], { updateExisting: "true" }); // expect-error
  await lockt.doors.create([{ title: "x" }]); // expect-error
  await lockt.fobs.reassign([{ id: 1 }]); // expect-error
  const n: number = await lockt.nextCardNumber(); // expect-error
  await lockt.users.plan([], { key: "card_num" }); // expect-error
  // A mistyped key in any options object (issue 13).
  await lockt.users.save([{ first_name: "a" }], { updateExsting: true }); // expect-error
  lockt.events.tail({ afer: 5 }); // expect-error
  await lockt.users.plan([], { kye: "email" }); // expect-error
  await lockt.doors.create([], { validateFailBatch: false }); // expect-error
  await lockt.users.list({ singal: new AbortController().signal }); // expect-error
  await lockt.users.disable(1, { at: true }); // expect-error
  new LocktClient({ apiUser: "u", apiKey: "k", timeutMs: 3000 }); // expect-error
  new LocktClient({ apiUser: "u", apiKey: "k", timeoutMs: "3000" }); // expect-error
  new LocktClient({ rateLimit: { maxWait: 5 } }); // expect-error
  lockt.users.lst(); // expect-error
  lockt.users.free(); // expect-error
  lockt[Symbol.dispose](); // expect-error
  const chunks: string[][] = planBatches([1, 2]); // expect-error
  const key: SyncPlan["key"] = "card_num"; // expect-error
  const reason: RecordReason = "unknown"; // expect-error
  const index: string | undefined = new LocktError("x").details[0]?.index; // expect-error
}
console.log(misuse);
