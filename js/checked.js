// The argument checks of the public functions: each checks its arguments before anything
// crosses into wasm, works unbound and starts the stack of every LocktError at the caller's
// call. The free functions (the validators, `planBatches`, the CSV import) need nothing else,
// so that `lockt-secureaccess/validate` loads this file and not the client's surface.js.
// Plain ESM without imports; scripts/build.mjs derives the CommonJS twin (checked.cjs).

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
