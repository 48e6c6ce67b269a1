// `lockt-secureaccess/validate` in Node (ESM): the validators' module, instantiated
// synchronously from the .wasm file on disk.
import { readFileSync } from "node:fs";
import * as core from "./validate/web/lockt_secureaccess.js";
import { makeFunctions, makeGuard } from "./guard.js";
import { LocktError } from "./lockt-error.js";
import { makeSchemas } from "./schemas.js";
import { makeValidators } from "./validators.js";

export { LocktError, LOCKT_ERROR_KINDS, isLocktError } from "./lockt-error.js";

core.initSync({ module: readFileSync(new URL("./validate/web/lockt_secureaccess_bg.wasm", import.meta.url)) });
const guard = makeGuard(core, LocktError);
guard.register();
const guarded = guard.guardExports(Object.keys(core));
// Arguments checked and stacks at the caller, as in the main entry (js/guard.js).
const validators = makeFunctions({ ...guarded, ...makeValidators(guarded, LocktError) }, LocktError);

export const { parseUsersCsv, validateUsersCsv } = validators;
/** The offline validators (validators.js walks the records; the rules are the core's). */
export const { validateUsers, validateUser, validateFobs, validateFobAssignments, validateDoors, planBatches } = validators;
/** Standard Schema objects over the validators. */
export const { userSchema, fobSchema, doorSchema } = makeSchemas(validators);

/** Already loaded in Node; kept so that the same code runs everywhere. */
export function init() {
  return Promise.resolve();
}

export default init;
