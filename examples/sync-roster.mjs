#!/usr/bin/env node
// Syncs an HR roster (CSV with the API's field names as headers) into the Lockt card holder
// list: plans, prints the diff, and applies it only with --yes.
//
//   node examples/sync-roster.mjs roster.csv [--key id_num|email] [--disable-missing] [--yes]
//
// Exit code: 0 when everything planned was committed (or nothing to do), 1 otherwise.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { parseUsersCsv } from "lockt-secureaccess";
import { connect } from "./connect.mjs";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { key: { type: "string", default: "id_num" }, "disable-missing": { type: "boolean", default: false }, yes: { type: "boolean", default: false } },
});
if (positionals.length !== 1) {
  console.error("usage: node examples/sync-roster.mjs roster.csv [--key id_num|email] [--disable-missing] [--yes]");
  process.exit(2);
}

const lockt = connect();
const roster = parseUsersCsv(readFileSync(positionals[0], "utf8"));
for (const issue of roster.issues) console.error(`row ${issue.row}: ${issue.message}`);

const plan = await lockt.users.plan(roster, { key: values.key, disableMissing: values["disable-missing"] });
const keyOf = (record) => record[plan.key];
for (const record of plan.create) console.log(`+ create ${keyOf(record)} ${record.first_name ?? ""} ${record.last_name ?? ""}`);
for (const u of plan.update) console.log(`~ update ${keyOf(u.record)}: ${u.changes.map((c) => `${c.field} ${JSON.stringify(c.from)} -> ${JSON.stringify(c.to)}`).join(", ")}`);
for (const d of plan.disable) console.log(`- disable ${keyOf(d.record) ?? d.id} at ${d.record.access_expires}`);
for (const p of plan.problems) console.log(`! row ${p.row ?? p.index}: ${p.messages.join("; ")}`);
console.log(`plan: ${plan.create.length} to create, ${plan.update.length} to update, ${plan.disable.length} to disable, ${plan.unchanged} unchanged, ${plan.problems.length} problems`);

if (!values.yes) {
  console.log("dry run: nothing written (add --yes to apply)");
  process.exit(0);
}
const report = await lockt.users.apply(plan, {
  onProgress: ({ sent, total }) => {
    const width = 30;
    const done = total ? Math.round((sent / total) * width) : width;
    process.stderr.write(`\r[${"#".repeat(done)}${" ".repeat(width - done)}] ${sent}/${total}`);
  },
});
process.stderr.write("\n");
console.log(`applied: ${report.committed} committed, ${report.rejected} rejected, ${report.unknown} unknown, ${report.notSent} not sent`);
for (const r of report.records.filter((r) => r.status !== "committed")) console.log(`  #${r.index} ${r.status}: ${r.messages.join("; ")}`);
process.exit(report.committed === report.total ? 0 : 1);
