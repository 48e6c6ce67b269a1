// The public typings of a wasm-bindgen build: the generated .d.ts without the module's
// internals (raw wasm exports, `initSync`, `free`/`Symbol.dispose` of the wrapped classes)
// and without names that shadow DOM globals. Used by scripts/build.mjs.

/** Type names of the generated typings that would shadow a DOM global (or that the package names otherwise). */
const RENAMES = {
  Event: "LocktEvent",
  Credential: "LocktCredential",
  Text: "TextOrNumber",
  ErrorKind: "LocktErrorKind",
};

/** What the generated typings cannot show: the properties js/surface.js gives a client. */
const CLIENT_PROPERTIES = `
    /** The API's base URL, as resolved. */
    readonly baseUrl: string;
    /** The \`apiuser\` credential (undefined behind a proxy). */
    readonly apiUser: string | undefined;`;

/** What must not be left in the public typings. */
const FORBIDDEN = [/\bfree\(\): void/, /Symbol\.dispose/, /\binitSync\b/, /\bInitOutput\b/, /\bWebAssembly\b/, /\bRequestInfo\b/, /__wbg_/, /__panicForTests|__trapForTests|registerErrorClass/];

/** The public typings for the generated `dts` text. */
export function publicTypes(dts) {
  let text = dts
    .replace(/^\/\/\/ <reference lib="esnext\.disposable" \/>\n/, "")
    .replace(/^ *free\(\): void;\n/gm, "")
    .replace(/^ *\[Symbol\.dispose\]\(\): void;\n/gm, "")
    .replace(/^declare function __wbg_reset_state\(\): void;\n/m, "");
  // The web build ends with its loader (InitInput, InitOutput, initSync, the default init).
  const loader = text.search(/^export type InitInput\b/m);
  if (loader >= 0) text = `${text.slice(0, loader).trimEnd()}\n`;
  // The SDK's module has the client; the validators' module (lockt-secureaccess/validate) has none.
  text = text.replace("export class LocktClient {", `export class LocktClient {${CLIENT_PROPERTIES}`);
  // Optional properties also take an explicit `undefined`, for projects with
  // exactOptionalPropertyTypes (`apiUser: process.env.LOCKT_API_USER`).
  text = text.replace(/^(\s+(?:readonly )?[\w$]+)\?: (.+);$/gm, (line, name, type) =>
    /\| undefined$/.test(type) ? line : `${name}?: ${type.includes("=>") ? `(${type})` : type} | undefined;`,
  );
  // Renamed in code, not in doc comments (their prose says "Event" and "Text" as words).
  const names = new RegExp(`\\b(${Object.keys(RENAMES).join("|")})\\b`, "g");
  text = text
    .split("\n")
    .map((line) => (/^\s*(\/\*\*|\*|\/\/)/.test(line) ? line : line.replace(names, (name) => RENAMES[name])))
    .join("\n");
  for (const pattern of FORBIDDEN) {
    if (pattern.test(text)) throw new Error(`public-types: ${pattern} is still in the public typings`);
  }
  return text;
}
