// Types for the ESM entries (index.js in browsers and bundlers, node.mjs in Node).
import type { InitInput } from "./web/lockt_secureaccess.js";

export * from "./web/lockt_secureaccess.js";
export { LocktError, LOCKT_ERROR_KINDS } from "./lockt-error.js";
export type { LocktErrorKind, LocktErrorInit } from "./lockt-error.js";
export * from "./schemas.js";

/** What `init` accepts: nothing (fetch the .wasm next to the module), or where to load it from. */
export type LocktInitInput =
  | InitInput
  | Promise<InitInput>
  | { module_or_path: InitInput | Promise<InitInput> };

/**
 * Loads the wasm module. Call (and await) it once before anything else in a
 * browser; in Node it resolves at once. Later calls return the same promise.
 */
export declare function init(input?: LocktInitInput): Promise<void>;
export default init;
