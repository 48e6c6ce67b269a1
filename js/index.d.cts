// Types for the CommonJS entry (node.cjs, over the wasm-bindgen "nodejs" build).
export * from "./node/lockt_secureaccess.js";
export { LocktError, LOCKT_ERROR_KINDS, isLocktError } from "./lockt-error.cjs";
export type { LocktErrorKind, LocktErrorInit, LocktErrorDetail } from "./lockt-error.cjs";
export * from "./schemas.cjs";

/** Already loaded in Node; kept so that the same code runs everywhere. */
export declare function init(): Promise<void>;
