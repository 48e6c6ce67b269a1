// Sizes: what a browser downloads (raw, gzip, brotli), minified bundles of the package and
// of the JavaScript peers (rolldown, the bundler inside Vite 8), and what the wasm consists of.
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, posix } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

export const BROWSER_FILES = ["web/lockt_secureaccess_bg.wasm", "web/lockt_secureaccess.js", "index.js", "lockt-error.js"];

export function compressed(bytes) {
  return {
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

const sum = (list) => list.reduce((a, b) => ({ raw: a.raw + b.raw, gzip: a.gzip + b.gzip, brotli: a.brotli + b.brotli }), { raw: 0, gzip: 0, brotli: 0 });

/** The browser entries of the package and their size goals (gzip bytes, wasm + glue + entry). */
export const ENTRIES = {
  "lockt-secureaccess": { file: "index.js", goalGzipBytes: 100_000, stretchGzipBytes: 60_000 },
  "lockt-secureaccess/validate": { file: "validate.js", goalGzipBytes: 30_000 },
};

/**
 * What a browser loads for an entry: the entry, every module it imports (transitively), and
 * the .wasm next to each wasm-bindgen glue module.
 */
export function browserFiles(pkgDir, entry = "index.js") {
  const seen = new Set();
  const queue = [entry];
  while (queue.length) {
    const file = queue.shift();
    if (seen.has(file)) continue;
    seen.add(file);
    if (!file.endsWith(".js")) continue;
    const text = readFileSync(join(pkgDir, file), "utf8");
    for (const m of text.matchAll(/(?:from|import)\s*["'](\.\.?\/[^"']+)["']/g)) queue.push(posix.normalize(posix.join(posix.dirname(file), m[1])));
    if (text.includes("_bg.wasm")) queue.push(file.replace(/\.js$/, "_bg.wasm"));
  }
  return [...seen];
}

/** An entry's browser files as shipped, each compressed on its own (as a server sends them). */
export function browserDownload(pkgDir, entry = "index.js") {
  const files = Object.fromEntries(browserFiles(pkgDir, entry).map((f) => [f, compressed(readFileSync(join(pkgDir, f)))]));
  return { files, total: sum(Object.values(files)) };
}

/** Bundles `input` with rolldown, minified, and returns the JS text of all chunks. */
export async function bundle(input, { cwd }) {
  const { build } = await import("rolldown");
  const result = await build({
    input,
    cwd,
    platform: "browser",
    logLevel: "silent",
    write: false,
    output: { format: "esm", minify: true, codeSplitting: false },
  });
  return result.output.filter((o) => o.type === "chunk").map((o) => o.code).join("\n");
}

/**
 * Minified bundles: the package (its JS minified, plus the .wasm) and the peers'
 * equivalents: openapi-fetch + zod (the rules of bench/peers) and + papaparse.
 */
export async function bundles(root, pkgDir, workDir) {
  mkdirSync(workDir, { recursive: true });
  const entry = (name, text) => {
    const file = join(workDir, `${name}.mjs`);
    writeFileSync(file, text);
    return file;
  };
  const peers = join(root, "bench/peers");
  const entries = {
    ours: entry("ours", `export { init, validateUsers, LocktClient } from ${JSON.stringify(join(pkgDir, "index.js"))};\n`),
    "openapi-fetch + zod": entry(
      "fetch-zod",
      `import createClient from "openapi-fetch";\nexport { validateUsers } from ${JSON.stringify(join(peers, "zod.mjs"))};\nexport const client = (baseUrl) => createClient({ baseUrl });\n`,
    ),
    "openapi-fetch + zod + papaparse": entry(
      "fetch-zod-papa",
      `import createClient from "openapi-fetch";\nimport Papa from "papaparse";\nexport { validateUsers } from ${JSON.stringify(join(peers, "zod.mjs"))};\nexport const client = (baseUrl) => createClient({ baseUrl });\nexport const parse = (text) => Papa.parse(text, { header: true });\n`,
    ),
    "openapi-fetch + valibot + papaparse": entry(
      "fetch-valibot-papa",
      `import createClient from "openapi-fetch";\nimport Papa from "papaparse";\nexport { validateUsers } from ${JSON.stringify(join(peers, "valibot.mjs"))};\nexport const client = (baseUrl) => createClient({ baseUrl });\nexport const parse = (text) => Papa.parse(text, { header: true });\n`,
    ),
    "openapi-fetch + ajv + papaparse": entry(
      "fetch-ajv-papa",
      `import createClient from "openapi-fetch";\nimport Papa from "papaparse";\nexport { validateUsers } from ${JSON.stringify(join(peers, "ajv.mjs"))};\nexport const client = (baseUrl) => createClient({ baseUrl });\nexport const parse = (text) => Papa.parse(text, { header: true });\n`,
    ),
  };
  const out = {};
  for (const [name, input] of Object.entries(entries)) {
    const js = await bundle(input, { cwd: root });
    writeFileSync(join(workDir, `${name.replace(/\W+/g, "-")}.min.js`), js);
    const jsSize = compressed(Buffer.from(js));
    out[name] = name === "ours" ? { js: jsSize, wasm: compressed(readFileSync(join(pkgDir, BROWSER_FILES[0]))) } : { js: jsSize };
    out[name].total = out[name].wasm ? sum([out[name].js, out[name].wasm]) : jsSize;
  }
  return out;
}

// ── what the wasm consists of ───────────────────────────────────────────

function leb(buf, pos) {
  let result = 0, shift = 0, byte;
  do {
    byte = buf[pos++];
    result += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  } while (byte & 0x80);
  return [result, pos];
}

/** Sections, function body sizes and function names of a wasm module. */
export function readWasm(buf) {
  const sections = [];
  let pos = 8, importedFuncs = 0;
  const bodies = [], names = new Map();
  while (pos < buf.length) {
    const id = buf[pos];
    let size;
    [size, pos] = leb(buf, pos + 1);
    const start = pos, end = pos + size;
    let name = ["custom", "type", "import", "function", "table", "memory", "global", "export", "start", "element", "code", "data", "datacount", "tag"][id] ?? `id${id}`;
    if (id === 0) {
      let len;
      [len, pos] = leb(buf, start);
      name = `custom:${buf.subarray(pos, pos + len).toString()}`;
      if (name === "custom:name") {
        let p = pos + len;
        while (p < end) {
          const sub = buf[p];
          let subSize;
          [subSize, p] = leb(buf, p + 1);
          if (sub === 1) {
            let count, q = p;
            [count, q] = leb(buf, q);
            for (let i = 0; i < count; i++) {
              let index, nlen;
              [index, q] = leb(buf, q);
              [nlen, q] = leb(buf, q);
              names.set(index, buf.subarray(q, q + nlen).toString());
              q += nlen;
            }
          }
          p += subSize;
        }
      }
    } else if (id === 2) {
      let count, q = start;
      [count, q] = leb(buf, q);
      for (let i = 0; i < count; i++) {
        let len;
        [len, q] = leb(buf, q); q += len; // module
        [len, q] = leb(buf, q); q += len; // field
        const kind = buf[q++];
        if (kind === 0) { importedFuncs++; [, q] = leb(buf, q); }
        else if (kind === 1) { q++; const [flags, q2] = leb(buf, q); q = q2; [, q] = leb(buf, q); if (flags & 1) [, q] = leb(buf, q); }
        else if (kind === 2) { const [flags, q2] = leb(buf, q); q = q2; [, q] = leb(buf, q); if (flags & 1) [, q] = leb(buf, q); }
        else if (kind === 3) { q += 2; }
        else if (kind === 4) { q += 1; [, q] = leb(buf, q); }
      }
    } else if (id === 10) {
      let count, q = start;
      [count, q] = leb(buf, q);
      for (let i = 0; i < count; i++) {
        let bodySize;
        const before = q;
        [bodySize, q] = leb(buf, q);
        bodies.push({ index: importedFuncs + i, start: before, size: bodySize + (q - before) });
        q += bodySize;
      }
    }
    sections.push({ name, start, size: end - start });
    pos = end;
  }
  for (const b of bodies) b.name = names.get(b.index) ?? `func[${b.index}]`;
  return { sections, functions: bodies };
}

/** Legacy Rust mangling (`_ZN...E`) to a path, enough to tell the crate. */
export function demangle(name) {
  if (!name.startsWith("_ZN")) return name;
  const parts = [];
  let i = 3;
  while (i < name.length && name[i] !== "E") {
    let j = i;
    while (/\d/.test(name[j])) j++;
    const len = Number(name.slice(i, j));
    if (!len) break;
    parts.push(name.slice(j, j + len));
    i = j + len;
  }
  if (/^h[0-9a-f]{16}$/.test(parts.at(-1) ?? "")) parts.pop();
  return parts
    .join("::")
    .replace(/\$LT\$/g, "<").replace(/\$GT\$/g, ">").replace(/\$u20\$/g, " ").replace(/\$RF\$/g, "&")
    .replace(/\$C\$/g, ",").replace(/\$u7b\$/g, "{").replace(/\$u7d\$/g, "}").replace(/\$BP\$/g, "*")
    .replace(/\.\./g, "::");
}

const PRIMITIVE = /^(?:[iuf](?:8|16|32|64|128|size)|bool|char|str|T|\[.*\]|\(.*\))$/;

/**
 * Who a (demangled) function's bytes belong to: the crate of the implementing type (or of
 * the trait, for impls on primitives). wasm-bindgen's export shims and the async bodies that
 * rustc/wasm-opt inlined into js_sys's `future_to_promise` closures are this crate's code.
 */
export function crateOf(name) {
  const n = demangle(name).replace(/\[[0-9a-f]{16}\]/g, "");
  if (/ (externref|multivalue) shim/.test(n)) return "lockt_secureaccess (JS export shims)";
  if (n.startsWith("js_sys::futures::future_to_promise")) return "lockt_secureaccess (async methods inlined into future_to_promise)";
  let m = /^<([^ >]+)(?: as ([^<>]+))?>/.exec(n);
  let path = n;
  if (m) path = PRIMITIVE.test(m[1]) || !m[1].includes("::") ? (m[2] ?? "core::x") : m[1];
  path = path.replace(/^(&|mut |dyn |<)+/g, "");
  const c = /^([A-Za-z_][A-Za-z0-9_]*)::/.exec(path)?.[1];
  if (!c) {
    if (/^__wbg|^__wbindgen|^__externref|wasm_bindgen/.test(n)) return "wasm_bindgen";
    if (/^(dlmalloc|malloc|free|realloc|memcpy|memset|memmove|memcmp|__rust|__rdl|__rg)/.test(n)) return "std (core, alloc, fmt, dlmalloc)";
    return "(unnamed)";
  }
  return ["core", "alloc", "std", "compiler_builtins", "dlmalloc", "__rustc"].includes(c) ? "std (core, alloc, fmt, dlmalloc)" : c;
}

/**
 * The optimised module with its names: the cargo output, through wasm-bindgen and
 * wasm-opt -Oz -g (the same as the build, keeping the name section). Function sizes
 * grouped by crate, the biggest functions, and the sections.
 */
export function namedBuild(root, workDir, wasmOptFeatures) {
  const cargoWasm = join(root, "target/wasm32-unknown-unknown/release/lockt_secureaccess.wasm");
  if (!existsSync(cargoWasm)) throw new Error(`no ${cargoWasm}: run npm run build`);
  mkdirSync(workDir, { recursive: true });
  const copy = join(workDir, "cargo.wasm");
  copyFileSync(cargoWasm, copy);
  execFileSync("wasm-bindgen", [copy, "--target", "web", "--keep-debug", "--out-dir", join(workDir, "bg"), "--out-name", "named"], { stdio: "pipe" });
  const named = join(workDir, "bg/named_bg.wasm");
  const opt = join(workDir, "named-opt.wasm");
  execFileSync(join(root, "node_modules/.bin/wasm-opt"), ["-Oz", "-g", ...wasmOptFeatures, named, "-o", opt], { stdio: "pipe" });
  return { wasm: opt, glue: join(workDir, "bg/named.js") };
}

export function wasmBreakdown(root, workDir, wasmOptFeatures) {
  const opt = namedBuild(root, workDir, wasmOptFeatures).wasm;
  const buf = readFileSync(opt);
  const { sections, functions } = readWasm(buf);
  const byCrate = new Map();
  for (const f of functions) {
    const c = crateOf(f.name);
    const e = byCrate.get(c) ?? { crate: c, bytes: 0, functions: 0, parts: [] };
    e.bytes += f.size;
    e.functions++;
    e.parts.push(buf.subarray(f.start, f.start + f.size));
    byCrate.set(c, e);
  }
  const codeBytes = functions.reduce((a, f) => a + f.size, 0);
  // The gzip share of each crate: its functions' bytes gzipped together (roughly additive).
  const top = [...byCrate.values()].sort((a, b) => b.bytes - a.bytes);
  for (const c of top) {
    c.gzip = gzipSync(Buffer.concat(c.parts), { level: 9 }).length;
    delete c.parts;
  }
  const data = sections.find((s) => s.name === "data");
  return {
    module: "target/.../lockt_secureaccess.wasm -> wasm-bindgen -> wasm-opt -Oz -g",
    sections: sections.filter((s) => !s.name.startsWith("custom:")).map(({ name, size }) => ({ name, size })),
    codeBytes,
    dataGzip: data ? gzipSync(buf.subarray(data.start, data.start + data.size), { level: 9 }).length : 0,
    byCrate: top.map((c) => ({ ...c, share: c.bytes / codeBytes })),
    biggest: functions
      .sort((a, b) => b.size - a.size)
      .slice(0, 25)
      .map((f) => ({ name: demangle(f.name).slice(0, 140), bytes: f.size })),
  };
}
