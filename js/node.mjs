// Node ESM entry: the same "web" build as index.js, instantiated synchronously
// from the .wasm file on disk (Node's fetch cannot load file: URLs).
import { readFileSync } from "node:fs";
import * as core from "./web/lockt_secureaccess.js";
import { makeGuard } from "./guard.js";
import { testHooks } from "./internal.js";
import { LocktError } from "./lockt-error.js";
import { makeSchemas } from "./schemas.js";
import { makeValidators } from "./validators.js";
import { makeSurface } from "./surface.js";

core.initSync({ module: readFileSync(new URL("./web/lockt_secureaccess_bg.wasm", import.meta.url)) });
const guard = makeGuard(core, LocktError);
guard.register();
const guarded = guard.guardExports(Object.keys(core));
testHooks.panicForTests = guarded.__panicForTests;
testHooks.trapForTests = guarded.__trapForTests;
testHooks.registerErrorClass = guarded.registerErrorClass;
// The offline validators walk the records in JS (js/validators.js); the rules are the core's.
const surface = makeSurface({ ...guarded, ...makeValidators(guarded, LocktError) }, LocktError);

export { LocktError, LOCKT_ERROR_KINDS, isLocktError } from "./lockt-error.js";
// The public classes and functions: arguments checked, panics in the core as LocktErrors.
export const { LocktClient, UsersApi, CredentialsApi, EventsApi, DoorsApi, FobsApi, SchedulesApi, AccessLevelsApi, version, validateUsers, validateUser, validateFobs, validateFobAssignments, validateDoors, planBatches, parseUsersCsv, validateUsersCsv } = surface;

/** Standard Schema objects over the SDK's validators. */
export const { userSchema, fobSchema, doorSchema } = makeSchemas(surface);

const ready = Promise.resolve();

/** Already loaded in Node; kept so that the same code runs everywhere. */
export function init() {
  return ready;
}

export default init;
