// Types of `require("lockt-secureaccess/validate")` (validate-node.cjs).
export { validateUsers, validateUser, validateFobs, validateFobAssignments, validateDoors, planBatches, parseUsersCsv, validateUsersCsv } from "./validate/node/lockt_secureaccess.js";
export type * from "./validate/node/lockt_secureaccess.js";
export { LocktError, LOCKT_ERROR_KINDS, isLocktError } from "./lockt-error.cjs";
export type { LocktErrorKind, LocktErrorInit } from "./lockt-error.cjs";
export * from "./schemas.cjs";

/** Already loaded in Node; kept so that the same code runs everywhere. */
export declare function init(): Promise<void>;
export default init;
