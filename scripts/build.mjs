// npm run build: Rust -> wasm32 -> wasm-bindgen (web + nodejs) -> wasm-opt
// -> pkg/ (the npm package) and www/lib/ (the browser build for the sample page).
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { brotliCompressSync, gzipSync } from "node:zlib";
import { cargoPackage, lockedCrateVersion, root, run, seconds } from "./lib.mjs";
import { publicTypes } from "./public-types.mjs";

const crate = cargoPackage();
const stem = crate.name.replaceAll("-", "_"); // lockt_secureaccess
const pkg = join(root, "pkg");
const started = performance.now();

// Rust features that rustc 1.95 emits for wasm32-unknown-unknown by default.
const WASM_FEATURES = [
  "--enable-bulk-memory",
  "--enable-bulk-memory-opt",
  "--enable-nontrapping-float-to-int",
  "--enable-sign-ext",
  "--enable-mutable-globals",
  "--enable-reference-types",
  "--enable-multivalue",
  "--enable-call-indirect-overlong",
];

async function step(name, fn) {
  const start = performance.now();
  await fn();
  console.log(`build: ${name} done in ${seconds(start)}`);
}

// Two modules: the whole SDK (opt-level "z" with the rules, crate lockt-rules, at 2; wasm-opt
// -Oz) and the offline validators alone for `lockt-secureaccess/validate` (opt-level 2, rules
// included, and wasm-opt -O3; it holds no client): the profiles in Cargo.toml. The
// validators are built without LLVM's loop unrolling and with an inline threshold of 100
// (LLVM's default at -O3 is 250): 0.5 and 2.7 kB less gzip, within 1-2 % of the speed in V8
// (CPU time of validateUsers and validateUsersCsv on 100k users; a threshold of 50 saves
// 0.7 kB more but costs 4-8 %). wasm-opt -O2, -Os, -Oz or --converge instead of -O3 change
// their gzip by 0.1 kB or less.
// The SDK is built without loop unrolling too (its rules are at opt-level 2), but at LLVM's
// default inline threshold: the threshold also holds for the "z" code, which it makes 5 kB
// larger. The wasm-opt of both modules may assume the low 1 kB of memory unused (the stack lies
// below the data, from 1 MB down, so only a stack nearly 1 MB deep reaches it; the rules never
// recurse): 0.8 kB less for the SDK, 0.1 kB for the validators; and it drops the custom
// sections no runtime reads (the toolchain's names, the target features): 0.2 kB less each.
// The SDK's wasm-opt first merges functions that differ only in constants (one copy with the
// constants as parameters: the many instances of the same generic code) and repeats -Oz until
// the module stops shrinking: 1.0 kB less gzip.
/** Our own ES modules that a browser loads, through either entry. */
const BROWSER_MODULES = ["index.js", "guard.js", "internal.js", "lockt-error.js", "schemas.js", "validators.js", "surface.js", "validate.js"];

const MODULES = [
  { name: "the SDK", profile: "release", cargoArgs: [], dir: pkg, opt: ["--merge-similar-functions", "-Oz", "--converge", "--low-memory-unused", "--strip-producers", "--strip-target-features"], rustflags: ["-Cllvm-args=-unroll-threshold=0"] },
  { name: "the validators", profile: "validate", cargoArgs: ["--no-default-features"], dir: join(pkg, "validate"), opt: ["-O3", "--low-memory-unused", "--strip-producers", "--strip-target-features"], rustflags: ["-Cllvm-args=-unroll-threshold=0", "-Cllvm-args=-inline-threshold=100"] },
];

await step("cargo build", async () => {
  for (const m of MODULES) {
    const rustflags = [process.env.RUSTFLAGS, ...m.rustflags].filter(Boolean).join(" ");
    await run("cargo", ["build", "--profile", m.profile, "--target", "wasm32-unknown-unknown", "-p", crate.name, ...m.cargoArgs], { env: rustflags ? { RUSTFLAGS: rustflags } : {} });
  }
});

await step("wasm-bindgen", async () => {
  // The CLI must match the wasm-bindgen crate exactly, or it refuses the module.
  const want = lockedCrateVersion("wasm-bindgen");
  const have = (await run("wasm-bindgen", ["--version"], { quiet: true })).trim().split(" ")[1];
  if (want && have !== want) {
    throw new Error(`wasm-bindgen CLI ${have} does not match the crate ${want}: cargo install wasm-bindgen-cli --version =${want}`);
  }
  rmSync(pkg, { recursive: true, force: true });
  for (const m of MODULES) {
    const wasm = join(root, "target/wasm32-unknown-unknown", m.profile, `${stem}.wasm`);
    for (const [target, dir] of [["web", "web"], ["nodejs", "node"]]) {
      await run("wasm-bindgen", [wasm, "--target", target, "--weak-refs", "--out-dir", join(m.dir, dir)]);
      // The entries wrap the generated code (js/surface.js): the typings lose the internals.
      const dts = join(m.dir, dir, `${stem}.d.ts`);
      writeFileSync(dts, publicTypes(readFileSync(dts, "utf8")));
    }
  }
});

/**
 * What a browser downloads, minified (rolldown, the bundler inside Vite 8, through its oxc
 * minifier); exports and class names stay, and function names where `functionNames`. With
 * `source` (our own modules), the file gets a source map beside it that holds the module as
 * written, so that devtools and `node --enable-source-maps` show our code, not the minified.
 */
async function minify(file, { source, functionNames = false } = {}) {
  const { minifySync } = await import("rolldown/utils");
  const keepNames = { function: functionNames, class: true };
  const { code, map, errors } = minifySync(source ?? file, readFileSync(file, "utf8"), { module: true, compress: { keepNames }, mangle: { keepNames }, sourcemap: Boolean(source) });
  if (errors.length) throw new Error(`minifying ${file}: ${errors.map((e) => e.message).join("; ")}`);
  if (!source) return writeFileSync(file, code);
  const name = `${basename(file)}.map`;
  writeFileSync(join(dirname(file), name), JSON.stringify(map));
  writeFileSync(file, `${code}\n//# sourceMappingURL=${name}\n`);
}

await step("minify glue", async () => {
  // The generated glue of the browser build; the Node glue, read from disk and not
  // downloaded, stays as generated.
  for (const m of MODULES) await minify(join(m.dir, "web", `${stem}.js`));
});

await step("wasm-opt", async () => {
  // binaryen from npm (Debian's wasm-opt 108 silently writes broken modules).
  const wasmOpt = join(root, "node_modules/.bin/wasm-opt");
  if (!existsSync(wasmOpt)) throw new Error("node_modules/.bin/wasm-opt is missing: run npm ci");
  for (const m of MODULES) {
    const [web, node] = ["web", "node"].map((dir) => join(m.dir, dir, `${stem}_bg.wasm`));
    const optimise = (file) => run(wasmOpt, [...m.opt, ...WASM_FEATURES, file, "-o", file]);
    // Both targets get the same module (only the JS glue differs): optimise it once.
    if (readFileSync(web).equals(readFileSync(node))) {
      await optimise(web);
      cpSync(web, node);
    } else {
      await Promise.all([optimise(web), optimise(node)]);
    }
  }
});

await step("package files", async () => {
  const copy = (from, to = from) => cpSync(join(root, "js", from), join(pkg, to));
  for (const file of ["index.js", "index.d.ts", "index.d.cts", "node.mjs", "node.cjs", "lockt-error.js", "lockt-error.d.ts", "schemas.js", "guard.js", "validators.js", "validate.js", "validate.d.ts", "validate.d.cts", "validate-node.mjs", "validate-node.cjs", "cli.mjs", "surface.js", "internal.js", `${stem}_bg.wasm.d.ts`, `${stem}_bg.wasm.d.cts`]) {
    copy(file);
  }
  // The validators' .wasm has the same types; node10 resolution looks for them beside its path.
  copy(`${stem}_bg.wasm.d.ts`, "validate.wasm.d.ts");
  copy(`${stem}_bg.wasm.d.cts`, "validate.wasm.d.cts");
  // CommonJS twins of the error class and its types, derived from the ESM file.
  copy("lockt-error.d.ts", "lockt-error.d.cts");
  writeFileSync(join(pkg, "lockt-error.cjs"), toCommonJs(readFileSync(join(root, "js/lockt-error.js"), "utf8")));
  writeFileSync(join(pkg, "schemas.cjs"), toCommonJs(readFileSync(join(root, "js/schemas.js"), "utf8"), "schemas.js"));
  writeFileSync(join(pkg, "guard.cjs"), toCommonJs(readFileSync(join(root, "js/guard.js"), "utf8"), "guard.js"));
  for (const file of ["validators.js", "surface.js", "internal.js"]) {
    writeFileSync(join(pkg, file.replace(/\.js$/, ".cjs")), toCommonJs(readFileSync(join(root, "js", file), "utf8"), file));
  }
  // Our modules that a browser loads ship minified, each with its source map (the CommonJS
  // twins above, for Node only, are derived from the modules as written).
  for (const file of BROWSER_MODULES) await minify(join(pkg, file), { source: `js/${file}`, functionNames: true });
  copy("schemas.d.ts");
  writeFileSync(join(pkg, "schemas.d.cts"), readFileSync(join(root, "js/schemas.d.ts"), "utf8").replace("./web/", "./node/"));
  // The nodejs build is CommonJS inside a "type": "module" package.
  for (const dir of ["node", "validate/node"]) writeFileSync(join(pkg, dir, "package.json"), `${JSON.stringify({ type: "commonjs" }, null, 2)}\n`);
  if (existsSync(join(root, "LICENSE"))) cpSync(join(root, "LICENSE"), join(pkg, "LICENSE"));
  writeFileSync(join(pkg, "README.md"), withAbsoluteLinks(readFileSync(join(root, "README.md"), "utf8")));
  writeFileSync(join(pkg, "package.json"), `${JSON.stringify(packageJson(), null, 2)}\n`);

  // The sample page imports ./lib/index.js; www/lib is a build output.
  const lib = join(root, "www/lib");
  rmSync(lib, { recursive: true, force: true });
  mkdirSync(lib, { recursive: true });
  for (const file of ["index.js", "index.d.ts", "lockt-error.js", "lockt-error.d.ts", "schemas.js", "schemas.d.ts", "guard.js", "validators.js", "surface.js", "internal.js", "web"]) {
    cpSync(join(pkg, file), join(lib, file), { recursive: true });
    if (BROWSER_MODULES.includes(file)) cpSync(join(pkg, `${file}.map`), join(lib, `${file}.map`));
  }
  writeFileSync(join(lib, ".gitignore"), "*\n");

  // The repository's own scripts (examples/, bench/) import "lockt-secureaccess" as users do.
  const link = join(root, "node_modules/lockt-secureaccess");
  rmSync(link, { recursive: true, force: true });
  mkdirSync(join(root, "node_modules"), { recursive: true });
  symlinkSync("../pkg", link, "dir");
});

await step("check", () =>
  // The optimised modules must still load, through both Node entries.
  run(process.execPath, [
    "--input-type=module",
    "-e",
    `import { createRequire } from "node:module";
     const esm = await import(${JSON.stringify(join(pkg, "node.mjs"))});
     const cjs = createRequire(import.meta.url)(${JSON.stringify(join(pkg, "node.cjs"))});
     for (const [how, m] of [["import", esm], ["require", cjs]]) {
       if (m.version() !== ${JSON.stringify(crate.version)}) throw new Error(how + ": version() is " + m.version());
       if (!(new m.LocktError("x", { kind: "auth" }) instanceof Error)) throw new Error(how + ": LocktError");
     }
     if (!(new esm.LocktError("x") instanceof cjs.LocktError)) throw new Error("one LocktError across import and require");`,
  ], { quiet: true }),
);

printSizes();
console.log(`build: ${crate.name}@${crate.version} in pkg/ after ${seconds(started)}`);

/** The published package.json. */
function packageJson() {
  return {
    name: crate.name,
    version: crate.version,
    description: crate.description,
    license: crate.license ?? "MIT",
    repository: { type: "git", url: `git+${crate.repository}.git` },
    type: "module",
    sideEffects: false,
    engines: { node: ">=20" },
    main: "./node.cjs",
    module: "./index.js",
    // Resolvers without "exports" (TypeScript's node10) load main, the CommonJS entry.
    types: "./index.d.cts",
    // The `lockt` command line (js/cli.mjs), on the package's public API.
    bin: { lockt: "./cli.mjs" },
    exports: {
      ".": {
        // Listed before "types" so that TypeScript under node16/nodenext picks the
        // CommonJS declarations for require and the ESM ones for import.
        node: {
          import: { types: "./index.d.ts", default: "./node.mjs" },
          require: { types: "./index.d.cts", default: "./node.cjs" },
        },
        types: "./index.d.ts",
        default: "./index.js",
      },
      "./validate": {
        node: {
          import: { types: "./validate.d.ts", default: "./validate-node.mjs" },
          require: { types: "./validate.d.cts", default: "./validate-node.cjs" },
        },
        types: "./validate.d.ts",
        default: "./validate.js",
      },
      // For runtimes that import wasm as a module (edge workers): init({ module_or_path }).
      [`./${stem}_bg.wasm`]: {
        import: { types: `./${stem}_bg.wasm.d.ts`, default: `./web/${stem}_bg.wasm` },
        require: { types: `./${stem}_bg.wasm.d.cts`, default: `./web/${stem}_bg.wasm` },
      },
      // The same for the validators' own module (lockt-secureaccess/validate).
      "./validate.wasm": {
        import: { types: "./validate.wasm.d.ts", default: `./validate/web/${stem}_bg.wasm` },
        require: { types: "./validate.wasm.d.cts", default: `./validate/web/${stem}_bg.wasm` },
      },
      "./package.json": "./package.json",
    },
    files: [
      "index.js",
      "index.d.ts",
      "index.d.cts",
      "node.mjs",
      "node.cjs",
      "lockt-error.js",
      "lockt-error.cjs",
      "lockt-error.d.ts",
      "lockt-error.d.cts",
      "schemas.js",
      "schemas.cjs",
      "schemas.d.ts",
      "schemas.d.cts",
      "guard.js",
      "guard.cjs",
      "validators.js",
      "validators.cjs",
      "validate.js",
      "validate.d.ts",
      "validate.d.cts",
      "validate-node.mjs",
      "validate-node.cjs",
      "validate/",
      "cli.mjs",
      "surface.js",
      "surface.cjs",
      "internal.js",
      "internal.cjs",
      `${stem}_bg.wasm.d.ts`,
      `${stem}_bg.wasm.d.cts`,
      "validate.wasm.d.ts",
      "validate.wasm.d.cts",
      "web/",
      "node/",
      ...BROWSER_MODULES.map((file) => `${file}.map`),
    ],
    keywords: ["lockt", "secureaccess", "access-control", "wasm", "sdk"],
  };
}

/**
 * The README as npm shows it: the package holds none of the repository's other files, so
 * relative links and images point into the repository instead.
 */
function withAbsoluteLinks(markdown) {
  const repo = crate.repository.replace(/\/$/, "");
  return markdown.replace(/(!?\[[^\]]*\])\((?![a-z]+:|#)([^)\s]+)\)/g, (_, label, path) =>
    `${label}(${repo}/${label.startsWith("!") ? "raw" : "blob"}/main/${path.replace(/^\.\//, "")})`,
  );
}

/**
 * `export class X` / `export const X` -> CommonJS with module.exports; `import { a } from
 * "./b.js"` -> `const { a } = require("./b.cjs")`.
 */
function toCommonJs(source, from = "lockt-error.js") {
  const names = [];
  const body = source
    .replace(/^import (\{[^}]*\}) from "(\.\/[\w-]+)\.js";$/gm, (_, bindings, path) => `const ${bindings} = require("${path}.cjs");`)
    .replace(/^export (class|const|function) (\w+)/gm, (_, kind, name) => {
      names.push(name);
      return `${kind} ${name}`;
    });
  if (/^(export|import) /m.test(body)) throw new Error(`${from}: only \`export class|const|function\` and \`import { ... } from "./x.js"\` can be converted`);
  return `"use strict";\n// Generated by scripts/build.mjs from ${from}.\n${body}\nmodule.exports = { ${names.join(", ")} };\n`;
}

/** What a browser downloads: the optimised wasm and the JS around it. */
function printSizes() {
  const files = [`web/${stem}_bg.wasm`, `web/${stem}.js`, "index.js", "surface.js", "lockt-error.js"];
  let raw = 0, gz = 0, br = 0;
  console.log("build: browser payload (raw / gzip -9 / brotli)");
  for (const file of files) {
    const bytes = readFileSync(join(pkg, file));
    const sizes = [bytes.length, gzipSync(bytes, { level: 9 }).length, brotliCompressSync(bytes).length];
    raw += sizes[0], gz += sizes[1], br += sizes[2];
    console.log(`  ${file.padEnd(34)} ${sizes.map(kB).join(" / ")}`);
  }
  console.log(`  ${"total".padEnd(34)} ${[raw, gz, br].map(kB).join(" / ")}`);
}

function kB(bytes) {
  return `${(bytes / 1000).toFixed(1)} kB`.padStart(9);
}
