// `lockt-secureaccess/validate` for browsers and bundlers: the offline validators alone, over
// their own small wasm module (no client, no fetch, no async code). `await init()` once, as
// with the main entry.
import initWasm, * as core from "./validate/web/lockt_secureaccess.js";
import { makeFunctions, makeGuard, makeInit } from "./guard.js";
import { LocktError } from "./lockt-error.js";
import { makeSchemas } from "./schemas.js";
import { makeValidators } from "./validators.js";

export { LocktError, LOCKT_ERROR_KINDS, isLocktError } from "./lockt-error.js";

const guard = makeGuard(core, LocktError);
const guarded = guard.guardExports(Object.keys(core));
// Arguments checked and stacks at the caller, as in the main entry (js/guard.js).
const validators = makeFunctions({ ...guarded, ...makeValidators(guarded, LocktError) }, LocktError);

export const { parseUsersCsv, validateUsersCsv } = validators;
/** The offline validators (validators.js walks the records; the rules are the core's). */
export const { validateUsers, validateUser, validateFobs, validateFobAssignments, validateDoors, planBatches } = validators;
/** Standard Schema objects over the validators (usable once `init()` has resolved). */
export const { userSchema, fobSchema, doorSchema } = makeSchemas(validators);

/** Loads the validators' wasm module once; later calls return the same promise. */
export const init = makeInit(initWasm, guard, LocktError);

export default init;
