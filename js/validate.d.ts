// Types of `lockt-secureaccess/validate` (validate.js in browsers and bundlers, validate-node.mjs in Node).
export { validateUsers, validateUser, validateFobs, validateFobAssignments, validateDoors, planBatches, parseUsersCsv, validateUsersCsv } from "./validate/web/lockt_secureaccess.js";
export type * from "./validate/web/lockt_secureaccess.js";
export { LocktError, LOCKT_ERROR_KINDS, isLocktError } from "./lockt-error.js";
export type { LocktErrorKind, LocktErrorInit } from "./lockt-error.js";
export * from "./schemas.js";

/** Loads the validators' wasm module: await it once in a browser; in Node it resolves at once. */
export declare function init(input?: import("./index.js").LocktInitInput): Promise<void>;
export default init;
