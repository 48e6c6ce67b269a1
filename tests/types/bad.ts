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
