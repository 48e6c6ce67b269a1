// The browser entries' `init()`: loads a wasm-bindgen "web" module once, then registers the
// package's error class with it. Shared by index.js and validate.js.

/**
 * An idempotent `init(input?)` over wasm-bindgen's default export `initWasm`. A wrong input
 * and a failed load are LocktErrors (`config`; `network` when the file was fetched).
 */
export function makeInit(initWasm, guard, LocktError) {
  let ready;
  return function init(input) {
    if (!ready) {
      const source = input !== null && typeof input === "object" && "module_or_path" in input ? input.module_or_path : input;
      if (!isWasmSource(source)) {
        return Promise.reject(new LocktError("init: input must be a URL, a Response, the bytes or a WebAssembly.Module of the .wasm file", { kind: "config" }));
      }
      ready = initWasm({ module_or_path: source }).then(
        () => guard.register(),
        (error) => {
          ready = undefined; // let the caller try again (e.g. after a network error)
          throw new LocktError(`The wasm module could not be loaded: ${error?.message ?? error}`, { kind: fetched(source) ? "network" : "config", cause: error });
        },
      );
    }
    return ready;
  };
}

/** Whether `source` is something `init` can load the module from (a promise is judged once it settles). */
function isWasmSource(source) {
  return source === undefined || fetched(source) || source instanceof ArrayBuffer || ArrayBuffer.isView(source) ||
    source instanceof WebAssembly.Module || (typeof Response === "function" && source instanceof Response) ||
    typeof source?.then === "function";
}

/** Whether `init` fetches `source` (a URL or a path), so that a failure is the network's. */
function fetched(source) {
  return source === undefined || typeof source === "string" || source instanceof URL || (typeof Request === "function" && source instanceof Request);
}
