// Types for the ESM entries (index.js in browsers and bundlers, node.mjs in Node).
export * from "./web/lockt_secureaccess.js";
export { LocktError, LOCKT_ERROR_KINDS, isLocktError } from "./lockt-error.js";
export type { LocktErrorKind, LocktErrorInit, LocktErrorDetail } from "./lockt-error.js";
export * from "./schemas.js";

/**
 * Where `init` loads the wasm module from: a URL or path, a `Response`, the bytes, or a
 * compiled `WebAssembly.Module` (what an edge runtime gives for
 * `import wasm from "lockt-secureaccess/lockt_secureaccess_bg.wasm"`).
 */
export type LocktWasmSource = string | URL | Response | ArrayBuffer | ArrayBufferView | LocktWasmModule;

/** A compiled `WebAssembly.Module` (named here so that the typings need no DOM or WebAssembly lib). */
export interface LocktWasmModule {}

/** What `init` accepts: nothing (fetch the .wasm next to the module), or where to load it from. */
export type LocktInitInput =
  | LocktWasmSource
  | Promise<LocktWasmSource>
  | { module_or_path: LocktWasmSource | Promise<LocktWasmSource> };

/**
 * Loads the wasm module. Call (and await) it once before anything else in a
 * browser; in Node it resolves at once. Later calls return the same promise.
 */
export declare function init(input?: LocktInitInput): Promise<void>;
export default init;
