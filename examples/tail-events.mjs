#!/usr/bin/env node
// Follows the Lockt event log: one JSON event per line on stdout (NDJSON), the cursor in a
// file, so a restart resumes with no gap and no duplicate.
//
//   node examples/tail-events.mjs [--cursor FILE] [--interval MS]
//
// The cursor file (default .lockt-events.cursor) holds the id of the last event written.
// Stop it with Ctrl-C or SIGTERM: the event in hand is finished and the cursor saved.
// Lost events (the API keeps only the newest 5,000) are reported on stderr as gaps.
import { existsSync, readFileSync, renameSync, writeFileSync, writeSync } from "node:fs";
import { parseArgs } from "node:util";
import { connect } from "./connect.mjs";

const { values } = parseArgs({ options: { cursor: { type: "string", default: ".lockt-events.cursor" }, interval: { type: "string", default: "1000" } } });
const saved = existsSync(values.cursor) ? Number(readFileSync(values.cursor, "utf8").trim()) : undefined;

const stop = new AbortController();
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => stop.abort());

const tail = connect().events.tail({
  after: Number.isInteger(saved) ? saved : undefined,
  intervalMs: Number(values.interval),
  signal: stop.signal,
  onGap: (gap) => console.error(`gap: events ${gap.from}..${gap.to} were dropped by the server before they could be read`),
});

for await (const event of tail) {
  writeSync(1, `${JSON.stringify(event)}\n`);
  // Written then renamed, so a crash never leaves a half-written cursor.
  writeFileSync(`${values.cursor}.tmp`, String(tail.cursor));
  renameSync(`${values.cursor}.tmp`, values.cursor);
}
