// Shared steps of the portal's e2e tests: open the page connected, run axe-core, write a CSV.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { watchPage } from "../support/browser.mjs";

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** A fresh page on the portal at `url`, connected (the prefilled settings). */
export async function openPortal(t, browser, url, { width = 1280, height = 900 } = {}) {
  const page = await browser.newPage();
  t.after(() => page.close());
  await page.setViewportSize({ width, height });
  const problems = watchPage(page);
  // axe-core, loaded with each document through the DevTools protocol: the page's CSP
  // (rightly) refuses an injected <script> such as page.addScriptTag's.
  await page.addInitScript({ content: AXE_SOURCE });
  await page.goto(url);
  await page.waitForSelector("body[data-ready=true]", { timeout: 30_000 }).catch((error) => {
    throw new Error(`${error.message}\n${problems.join("\n")}`);
  });
  return { page, problems };
}

/** axe-core's default rules on the page as it is now: the violations as "rule ×count: targets" lines. */
export async function axeViolations(page) {
  return page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ["violations"] });
    return result.violations.map((v) => `${v.id} ×${v.nodes.length}: ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`);
  });
}

/** A CSV file for <input type=file> from header + rows of cells. */
export function csvFile(name, header, rows) {
  const text = [header.join(","), ...rows.map((row) => header.map((key) => row[key] ?? "").join(","))].join("\n") + "\n";
  return { name, mimeType: "text/csv", buffer: Buffer.from(text) };
}

/** Waits until `selector`'s text matches `pattern`. */
export function waitForText(page, selector, pattern, timeout = 20_000) {
  return page.waitForFunction(
    ({ selector, source, flags }) => new RegExp(source, flags).test(document.querySelector(selector)?.textContent ?? ""),
    { selector, source: pattern.source, flags: pattern.flags },
    { timeout },
  );
}
