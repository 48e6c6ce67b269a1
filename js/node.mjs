// Node ESM entry: the same "web" build as index.js, instantiated synchronously
// from the .wasm file on disk (Node's fetch cannot load file: URLs).
import { readFileSync } from "node:fs";
import * as core from "./web/lockt_secureaccess.js";
import { makeGuard } from "./guard.js";
import { LocktError } from "./lockt-error.js";
import { makeSchemas } from "./schemas.js";
import { makeValidators } from "./validators.js";

core.initSync({ module: readFileSync(new URL("./web/lockt_secureaccess_bg.wasm", import.meta.url)) });
const guard = makeGuard(core, LocktError);
guard.register();
const guarded = guard.guardExports(Object.keys(core));

export * from "./web/lockt_secureaccess.js";
export { LocktError, LOCKT_ERROR_KINDS } from "./lockt-error.js";
// The free functions, with a panic in the core turned into a LocktError.
export const { version, parseUsersCsv, __panicForTests, __trapForTests } = guarded;
const validators = makeValidators(guarded, LocktError);
/** The offline validators (js/validators.js walks the records; the rules are the core's). */
export const { validateUsers, validateUser, validateFobs, validateFobAssignments, validateDoors, planBatches } = validators;

/** Standard Schema objects over the SDK's validators. */
export const { userSchema, fobSchema, doorSchema } = makeSchemas(validators);

const ready = Promise.resolve();

/** Already loaded in Node; kept so that the same code runs everywhere. */
export function init() {
  return ready;
}

export default init;
