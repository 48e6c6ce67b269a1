// Headless Chromium for tests, through playwright-core and Debian's chromium.
//
//   const browser = await launchChromium();
//   const page = await browser.newPage();
//   ...
//   await browser.close(); // also removes the profile and XDG dirs
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export async function launchChromium({ args = [], ...options } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "lockt-chromium-"));
  const context = await chromium.launchPersistentContext(join(dir, "profile"), {
    executablePath: CHROMIUM,
    headless: true,
    args: [...ARGS, ...args],
    // Keep Chromium out of the home directory.
    env: { ...process.env, HOME: dir, XDG_CONFIG_HOME: join(dir, "config"), XDG_CACHE_HOME: join(dir, "cache") },
    ...options,
  });
  return {
    context,
    newPage: () => context.newPage(),
    async close() {
      await context.close().catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Collects a page's uncaught errors, console errors and failed requests (the
 * browser's automatic /favicon.ico request aside), to show when a check fails.
 */
export function watchPage(page) {
  const problems = [];
  const ignored = (url) => new URL(url).pathname === "/favicon.ico";
  page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));
  page.on("console", (message) => {
    // HTTP errors are reported below, with their URL.
    if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) {
      problems.push(`console.error: ${message.text()}`);
    }
  });
  page.on("response", (response) => {
    if (response.status() >= 400 && !ignored(response.url())) problems.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  page.on("requestfailed", (request) => {
    if (!ignored(request.url())) problems.push(`request failed: ${request.url()} ${request.failure()?.errorText}`);
  });
  return problems;
}
