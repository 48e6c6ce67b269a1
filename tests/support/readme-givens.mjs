// What the README's snippets use without defining it, as globals: the package's exports, a
// client on the sandbox (`lockt`), the key pair (`apiUser`, `apiKey`), records to save (`rows`,
// `users`), a roster (`csvText`), and the callbacks of the examples (`bar.update`, `ship`,
// `save`). tests/node/readme.test.mjs copies this file next to the blocks it runs (so that
// "lockt-secureaccess" is the package under test) and loads it with `node --import`.
//
// Environment: LOCKT_BASE_URL, LOCKT_API_USER, LOCKT_API_KEY (the sandbox), LOCKT_README_CSV
// (the roster file), LOCKT_README_CALLS (where to write, on exit, how often each callback ran).
import { readFileSync, writeFileSync } from "node:fs";
import * as sdk from "lockt-secureaccess";

const { LOCKT_BASE_URL: baseUrl, LOCKT_API_USER: apiUser, LOCKT_API_KEY: apiKey } = process.env;
const lockt = new sdk.LocktClient({ baseUrl, apiUser, apiKey });

/** How often each callback was called, by name. */
const calls = {};
process.on("exit", () => writeFileSync(process.env.LOCKT_README_CALLS, JSON.stringify(calls)));
const counted = (name, fn = () => {}) => {
  calls[name] = 0;
  return (...args) => {
    calls[name]++;
    return fn(...args);
  };
};

const people = (prefix, firstCard, count) =>
  Array.from({ length: count }, (_, i) => ({ id_num: `${prefix}-${i}`, first_name: "Readme", last_name: `${prefix} ${i}`, card_num: firstCard + i }));

// The tail example reads the last five events, then stops.
const newest = Math.max(...(await lockt.events.list()).map((e) => e.id));
const stopTail = new AbortController();

Object.assign(globalThis, sdk, {
  lockt,
  apiUser,
  apiKey,
  rows: people("ROWS", 91_000_000, 3),
  users: people("USERS", 92_000_000, 150),
  csvText: readFileSync(process.env.LOCKT_README_CSV, "utf8"),
  bar: { update: counted("bar.update") },
  savedCursor: newest - 5,
  signal: stopTail.signal,
  ship: counted("ship"),
  save: counted("save", (cursor) => cursor >= newest && stopTail.abort()),
});
