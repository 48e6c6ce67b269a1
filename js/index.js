// Browser and bundler entry: the wasm-bindgen "web" build. The module is
// compiled asynchronously by `await init()` (no top-level await), so it also
// runs under a CSP that allows 'wasm-unsafe-eval' but not 'unsafe-eval'.
import initWasm, * as core from "./web/lockt_secureaccess.js";
import { makeGuard } from "./guard.js";
import { makeInit } from "./loader.js";
import { LocktError } from "./lockt-error.js";
import { makeSchemas } from "./schemas.js";
import { makeValidators } from "./validators.js";

export * from "./web/lockt_secureaccess.js";
export { LocktError, LOCKT_ERROR_KINDS } from "./lockt-error.js";

const guard = makeGuard(core, LocktError);
const guarded = guard.guardExports(Object.keys(core));
// The free functions, with a panic in the core turned into a LocktError.
export const { version, parseUsersCsv, __panicForTests, __trapForTests } = guarded;
const validators = makeValidators(guarded, LocktError);
/** The offline validators (js/validators.js walks the records; the rules are the core's). */
export const { validateUsers, validateUser, validateFobs, validateFobAssignments, validateDoors, planBatches } = validators;

/** Standard Schema objects over the SDK's validators. */
export const { userSchema, fobSchema, doorSchema } = makeSchemas(validators);

/**
 * Loads the wasm module once; later calls return the same promise.
 * `input` is optional: a URL, Response, BufferSource or WebAssembly.Module
 * (or wasm-bindgen's `{ module_or_path }`); by default the .wasm file next
 * to this module is fetched.
 */
export const init = makeInit(initWasm, guard);

export default init;
