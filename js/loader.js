// The browser entries' `init()`: loads a wasm-bindgen "web" module once, then registers the
// package's error class with it. Shared by index.js and validate.js.

/** An idempotent `init(input?)` over wasm-bindgen's default export `initWasm`. */
export function makeInit(initWasm, guard) {
  let ready;
  return function init(input) {
    if (!ready) {
      const options = input !== null && typeof input === "object" && "module_or_path" in input ? input : { module_or_path: input };
      ready = initWasm(options).then(
        () => guard.register(),
        (error) => {
          ready = undefined; // let the caller try again (e.g. after a network error)
          throw error;
        },
      );
    }
    return ready;
  };
}
