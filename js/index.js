// Browser and bundler entry: the wasm-bindgen "web" build. The module is
// compiled asynchronously by `await init()` (no top-level await), so it also
// runs under a CSP that allows 'wasm-unsafe-eval' but not 'unsafe-eval'.
import initWasm, * as core from "./web/lockt_secureaccess.js";
import { LocktError } from "./lockt-error.js";
import { makeSchemas } from "./schemas.js";

export * from "./web/lockt_secureaccess.js";
export { LocktError, LOCKT_ERROR_KINDS } from "./lockt-error.js";

/** Standard Schema objects over the SDK's validators (usable once `init()` has resolved). */
export const { userSchema, fobSchema, doorSchema } = makeSchemas(core);

let ready;

/**
 * Loads the wasm module once; later calls return the same promise.
 * `input` is optional: a URL, Response, BufferSource or WebAssembly.Module
 * (or wasm-bindgen's `{ module_or_path }`); by default the .wasm file next
 * to this module is fetched.
 */
export function init(input) {
  if (!ready) {
    const options = input !== null && typeof input === "object" && "module_or_path" in input
      ? input
      : { module_or_path: input };
    ready = initWasm(options).then(
      () => {
        // Guarded (in a form bundlers can check statically): builds of the
        // core without it still load.
        if ("registerErrorClass" in core) core.registerErrorClass(LocktError);
      },
      (error) => {
        ready = undefined; // let the caller try again (e.g. after a network error)
        throw error;
      },
    );
  }
  return ready;
}

export default init;
