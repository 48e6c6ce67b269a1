// Browser and bundler entry: the wasm-bindgen "web" build. The module is
// compiled asynchronously by `await init()` (no top-level await), so it also
// runs under a CSP that allows 'wasm-unsafe-eval' but not 'unsafe-eval'.
import initWasm, * as core from "./web/lockt_secureaccess.js";
import { makeGuard, makeInit } from "./guard.js";
import { testHooks } from "./internal.js";
import { LocktError } from "./lockt-error.js";
import { makeSchemas } from "./schemas.js";
import { makeValidators } from "./validators.js";
import { makeSurface } from "./surface.js";

export { LocktError, LOCKT_ERROR_KINDS, isLocktError } from "./lockt-error.js";

const guard = makeGuard(core, LocktError);
const guarded = guard.guardExports(Object.keys(core));
testHooks.panicForTests = guarded.__panicForTests;
testHooks.trapForTests = guarded.__trapForTests;
testHooks.registerErrorClass = guarded.registerErrorClass;
// The offline validators walk the records in JS (js/validators.js); the rules are the core's.
const surface = makeSurface({ ...guarded, ...makeValidators(guarded, LocktError) }, LocktError);
// The public classes and functions: arguments checked, panics in the core as LocktErrors.
export const { LocktClient, UsersApi, CredentialsApi, EventsApi, DoorsApi, FobsApi, SchedulesApi, AccessLevelsApi, version, validateUsers, validateUser, validateFobs, validateFobAssignments, validateDoors, planBatches, parseUsersCsv, validateUsersCsv } = surface;

/** Standard Schema objects over the SDK's validators (usable once `init()` has resolved). */
export const { userSchema, fobSchema, doorSchema } = makeSchemas(surface);

/**
 * Loads the wasm module once; later calls return the same promise.
 * `input` is optional: a URL, Response, BufferSource or WebAssembly.Module
 * (or wasm-bindgen's `{ module_or_path }`); by default the .wasm file next
 * to this module is fetched.
 */
export const init = makeInit(initWasm, guard, LocktError);

export default init;
