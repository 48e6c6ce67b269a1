// Turns a trap inside the module (a Rust panic, a stack overflow, out of memory) into a
// LocktError of kind "internal", and lets the module start afresh: the core's panic hook reports
// a panic's message here and schedules a new wasm instance for the next call; for any other trap
// the guard asks the core for one (`__reinitAfterTrap`). Plain ESM without imports;
// scripts/build.mjs derives the CommonJS twin (guard.cjs) from this file.
//
// Objects made before a panic (a LocktClient) belong to the old instance: using one afterwards
// is an "internal" error asking for a new client. A panic inside an async call rejects every
// pending call with the LocktError; the trap itself also surfaces as an uncaught error from a
// microtask, which only panic=unwind (nightly Rust) could avoid. No input is known to panic:
// the fuzz targets check that.
//
// The browser entries' `init()` (`makeInit`, shared by index.js and validate.js) is here too,
// and so are the argument checks of the public functions (`makeChecks`, `makeFunctions`): each
// checks its arguments before anything crosses into wasm, works unbound and starts the stack
// of every LocktError at the caller's call. The free functions (the validators, `planBatches`,
// the CSV import) need nothing else, so that `lockt-secureaccess/validate` does not load the
// client's surface.js. One file for what every entry loads: fewer files for a page to load.

/** Wraps the core's exports; `register()` must run once the module is instantiated. */
export function makeGuard(core, LocktError) {
  let lastPanic;
  const pending = new Set();

  function onPanic(message) {
    lastPanic = message;
    const error = new LocktError(message, { kind: "internal" });
    for (const reject of pending) reject(error);
    pending.clear();
  }

  function register() {
    core.registerErrorClass(LocktError, onPanic);
  }

  function translate(error) {
    if (isTrap(error)) {
      const message = lastPanic ?? `lockt-secureaccess internal error: ${error.message}`;
      // A panic has scheduled the fresh instance already; any other trap has not.
      if (lastPanic === undefined) core.__reinitAfterTrap();
      lastPanic = undefined;
      register(); // the first call after a trap builds the fresh instance
      return new LocktError(message, { kind: "internal", cause: error });
    }
    if (error instanceof Error && !(error instanceof LocktError) && /stale object/i.test(error.message)) {
      return new LocktError("This object was made before an internal error reset the module: create a new LocktClient", { kind: "internal", cause: error });
    }
    return error;
  }

  /** A trap of the module: a WebAssembly trap (a panic, `unreachable`, out of bounds) or the engine's stack overflow. */
  function isTrap(error) {
    if (error instanceof WebAssembly.RuntimeError) return true;
    return error instanceof Error && (error.name === "RangeError" || error.name === "InternalError") && /call stack|recursion/i.test(error.message);
  }

  function call(fn, self, args) {
    let result;
    try {
      result = fn.apply(self, args);
    } catch (error) {
      throw translate(error);
    }
    if (!(result instanceof Promise)) return result;
    return new Promise((resolve, reject) => {
      pending.add(reject);
      result.then(resolve, (error) => reject(translate(error))).finally(() => pending.delete(reject));
    });
  }

  /** The function, with panics as LocktErrors. */
  function wrapFunction(fn) {
    return function guarded(...args) {
      return call(fn, this, args);
    };
  }

  /** Guards every method and getter of a class's prototype, in place. */
  function wrapClass(cls) {
    for (const name of Object.getOwnPropertyNames(cls.prototype)) {
      const d = Object.getOwnPropertyDescriptor(cls.prototype, name);
      if (name === "constructor" || typeof name !== "string") continue;
      if (typeof d.value === "function") d.value = wrapFunction(d.value);
      if (d.get) d.get = wrapFunction(d.get);
      Object.defineProperty(cls.prototype, name, d);
    }
  }

  /** Every exported function guarded, every exported class patched; by name. */
  function guardExports(names) {
    const out = {};
    for (const name of names) {
      const value = core[name];
      if (typeof value !== "function") continue;
      if (/^[A-Z]/.test(name)) {
        wrapClass(value);
        out[name] = value;
      } else {
        out[name] = wrapFunction(value);
      }
    }
    return out;
  }

  return { register, guardExports };
}

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

/** What each argument kind accepts, and how a refusal describes it. */
const KINDS = {
  options: [(v) => v === undefined || v === null || isObject(v), "an options object"],
  records: [Array.isArray, "an array"],
  string: [(v) => typeof v === "string", "a string"],
  id: [(v) => typeof v === "number" || typeof v === "string", "a number"],
  userRef: [(v) => typeof v === "number" || typeof v === "string" || isObject(v), "a system id (number), an id number (string) or a user record"],
  roster: [(v) => Array.isArray(v) || isObject(v), "an array of users or { users, rows }"],
  plan: [isObject, "a SyncPlan from users.plan"],
  size: [(v) => v === undefined || v === null || typeof v === "number", "a number"],
  any: [() => true, ""],
};

/** The free functions: name -> [parameter, kind] pairs. */
const FUNCTIONS = {
  version: [],
  validateUsers: [["users", "records"]],
  validateUser: [["user", "any"]],
  validateFobs: [["fobs", "records"]],
  validateFobAssignments: [["assignments", "records"]],
  validateDoors: [["doors", "records"]],
  planBatches: [["records", "records"], ["size", "size"]],
  parseUsersCsv: [["text", "string"], ["options", "options"]],
  validateUsersCsv: [["text", "string"], ["options", "options"]],
};

function isObject(v) {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The argument checks over `LocktError`; `entry(where, params, fn, isAsync)` makes a checked function. */
export function makeChecks(LocktError) {
  /** A config LocktError when an argument has the wrong type, else undefined. */
  function badArgument(where, params, args) {
    for (const [i, [name, kind]] of params.entries()) {
      const [accepts, what] = KINDS[kind];
      if (!accepts(args[i])) return new LocktError(`${where}: ${name} must be ${what}`, { kind: "config" });
    }
    return undefined;
  }

  /** Restarts `error`'s stack at the frames captured in `site` (the caller's call). */
  function fromCaller(error, site) {
    if (site.stack && error instanceof LocktError) {
      const frames = site.stack.slice(site.stack.indexOf("\n"));
      Object.defineProperty(error, "stack", { value: `${error.name}: ${error.message}${frames}`, writable: true, configurable: true });
    }
    return error;
  }

  /** `fn` with its arguments checked, its errors' stacks at the caller, and no `this`. */
  function entry(where, params, fn, isAsync) {
    const checked = function (...args) {
      const site = {};
      Error.captureStackTrace?.(site, checked);
      const bad = badArgument(where, params, args);
      if (bad) {
        if (isAsync) return Promise.reject(fromCaller(bad, site));
        throw fromCaller(bad, site);
      }
      let result;
      try {
        result = fn(...args);
      } catch (error) {
        throw fromCaller(error, site);
      }
      return isAsync ? Promise.resolve(result).catch((error) => Promise.reject(fromCaller(error, site))) : result;
    };
    Object.defineProperty(checked, "name", { value: where.slice(where.lastIndexOf(".") + 1) });
    return checked;
  }

  return { badArgument, fromCaller, entry };
}

/** The free functions over `core` (the guarded wasm-bindgen exports and the validators), checked. */
export function makeFunctions(core, LocktError) {
  const { entry } = makeChecks(LocktError);
  const functions = {};
  for (const [name, params] of Object.entries(FUNCTIONS)) {
    functions[name] = entry(name, params, core[name], false);
  }
  return functions;
}
