// Small Vite and webpack projects that depend on the packed tarball: build
// them, serve the output under a strict CSP and check the page calls the SDK
// in headless Chromium. Run by scripts/test.mjs (stage "bundlers").
import assert from "node:assert/strict";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import test, { after, before } from "node:test";
import { fileURLToPath } from "node:url";
import { launchChromium, watchPage } from "../support/browser.mjs";
import { installed, projectDir } from "../support/pkg.mjs";
import { serveStatic } from "../support/static-server.mjs";
import { exec } from "../../scripts/lib.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));
const here = fileURLToPath(new URL(".", import.meta.url));
const cargoVersion = readFileSync(join(root, "Cargo.toml"), "utf8").split(/^\[package\]/m)[1].match(/^version\s*=\s*"([^"]+)"/m)[1];

// The SDK must run where eval is forbidden and only wasm compilation is allowed.
const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'";

const BUNDLERS = {
  vite: [join(root, "node_modules/vite/bin/vite.js"), "build", "--logLevel", "warn", "--emptyOutDir"],
  webpack: [join(root, "node_modules/webpack-cli/bin/cli.js"), "--config", "webpack.config.cjs", "--stats", "errors-warnings"],
};

let browser;
before(async () => {
  browser = await launchChromium();
});
after(() => browser?.close());

for (const [name, command] of Object.entries(BUNDLERS)) {
  test(`${name}: the built page calls the SDK`, { skip: !installed && "needs LOCKT_PKG_DIR (the installed tarball)", timeout: 180_000 }, async (t) => {
    // The project lives inside the consumer project, so "lockt-secureaccess"
    // resolves from its node_modules exactly as in a user's app.
    const dir = mkdtempSync(join(projectDir, `${name}-`));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    cpSync(join(here, name), dir, { recursive: true });
    cpSync(join(here, "app"), join(dir, "app"), { recursive: true });

    const built = await exec(process.execPath, command, { cwd: dir, quiet: true });
    assert.equal(built.code, 0, `${name} build failed:\n${built.output}`);
    const dist = join(dir, "dist");
    if (name === "webpack") cpSync(join(dir, "index.html"), join(dist, "index.html"));
    assert.ok(existsSync(join(dist, "index.html")));

    const page = await browser.newPage();
    t.after(() => page.close());
    const server = await serveStatic(dist, { headers: { "content-security-policy": CSP } });
    t.after(() => server.close());
    const problems = watchPage(page);
    await page.goto(server.url);
    const result = await page
      .waitForFunction(() => window.__lockt, null, { timeout: 30_000 })
      .then((handle) => handle.jsonValue(), () => undefined);
    assert.ok(result && !result.error, `page failed: ${result?.error ?? "no result"}\n${problems.join("\n")}`);

    assert.equal(result.version, cargoVersion);
    assert.equal(result.locktError, true);
    assert.deepEqual(result.instanceof, { fromWasm: true, fromArgumentCheck: true, fromAnotherCopy: true, plainErrorIsNot: true });
    assert.equal(result.badInit, true, "init(123) rejects with a LocktError of kind config");
    assert.equal(result.tail, true, "an event tail is made under a CSP without 'unsafe-eval'");
    assert.equal(result.validation.valid, 0);
    assert.equal(result.validation.invalid.length, 1);
    assert.equal(result.validation.invalid[0].index, 0);
    assert.ok(result.validation.invalid[0].fields.includes("card_num"), JSON.stringify(result.validation));
    assert.deepEqual(result.validateEntry, { same: true, firstValid: { id_num: "A1", first_name: "Ann", card_num: "5" }, oneErrorClass: true });
    assert.deepEqual(problems, []);
  });
}
