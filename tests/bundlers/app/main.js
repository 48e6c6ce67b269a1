// The page script of both bundler projects: load the SDK like an app would,
// call it, and publish what happened on window.__lockt for the test to read.
import init, * as sdk from "lockt-secureaccess";
import initValidators, * as offline from "lockt-secureaccess/validate";

const lockt = sdk;

async function main() {
  const badInit = await init(123).then(() => undefined, (e) => e);
  await init();
  await init(); // idempotent
  const result = { version: lockt.version(), validation: null };
  // Offline validation (no network): one record with two mistakes.
  const report = lockt.validateUsers([
    { id_num: "A1", first_name: "Ann", last_name: "Lee", card_num: "A8914", email: "rgreswell0@@@@gravatar.com" },
  ]);
  result.validation = {
    valid: report.valid.length,
    invalid: report.invalid.map((r) => ({ index: r.index, fields: r.issues.map((i) => i.field).sort() })),
  };
  // The validators' own entry: its own module, the same verdicts, the same error class.
  await initValidators();
  const users = [{ id_num: "A1", first_name: " Ann ", card_num: 5 }, { id_num: "A1", card_num: "A8914" }];
  result.validateEntry = {
    same: JSON.stringify(offline.validateUsers(users)) === JSON.stringify(lockt.validateUsers(users)),
    firstValid: offline.validateUsers(users).valid[0],
    oneErrorClass: offline.LocktError === lockt.LocktError,
  };
  // A client and an event tail under the page's strict CSP (no eval): made, not polled.
  const client = new lockt.LocktClient({ baseUrl: "https://cloudapi.lockt.com/api/v1", apiUser: "u", apiKey: "k" });
  const tail = client.events.tail({ after: 1 });
  result.tail = tail[Symbol.asyncIterator]() === tail && tail.cursor === 1;
  await tail.return();
  const error = new lockt.LocktError("x", { kind: "timeout", retryable: true });
  result.locktError = error instanceof Error && error.name === "LocktError" && error.retryable;
  result.instanceof = await instanceofChecks(lockt);
  result.badInit = badInit instanceof lockt.LocktError && badInit.kind === "config";
  return result;
}

/** `instanceof LocktError` for errors made by the wasm core, by the argument checks and by another copy of the package. */
async function instanceofChecks(lockt) {
  const checks = {};
  try {
    new lockt.LocktClient({ baseUrl: "http://example.com/api/v1", apiUser: "u", apiKey: "k" });
  } catch (e) {
    checks.fromWasm = e instanceof lockt.LocktError && lockt.isLocktError(e) && e.kind === "config";
  }
  const client = new lockt.LocktClient({ baseUrl: "https://cloudapi.lockt.com/api/v1", apiUser: "u", apiKey: "k" });
  const refused = await client.users.getByIdNum(123).catch((e) => e);
  checks.fromArgumentCheck = refused instanceof lockt.LocktError && refused.kind === "config";
  // Another copy of the package (a second bundle, the CommonJS twin) brands its errors alike.
  const brand = Symbol.for("lockt-secureaccess.LocktError");
  const fromCopy = Object.defineProperty(new Error("x"), brand, { value: true });
  checks.fromAnotherCopy = fromCopy instanceof lockt.LocktError && lockt.isLocktError(fromCopy);
  checks.plainErrorIsNot = !(new Error("x") instanceof lockt.LocktError) && !lockt.isLocktError(new Error("x"));
  return checks;
}

main().then(
  (result) => {
    window.__lockt = result;
  },
  (error) => {
    window.__lockt = { error: String((error && error.stack) || error) };
  },
);
