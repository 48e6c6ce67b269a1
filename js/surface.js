// The public surface over the wasm-bindgen exports: plain JS classes and functions that check
// their arguments before anything crosses into wasm (js/guard.js), work unbound
// (`const list = lockt.users.list`), make each sub-API once, print without pointers or secrets,
// have no `free`, and start the stack of every LocktError at the caller's call. Plain ESM;
// scripts/build.mjs derives the CommonJS twin (surface.cjs) from this file.

import { makeChecks, makeFunctions } from "./guard.js";

/** The methods of each sub-API: name -> [parameter, kind] pairs. Every one returns a Promise but `events.tail`. */
const SUB_APIS = {
  users: {
    list: [["options", "options"]],
    get: [["id", "id"], ["options", "options"]],
    getByIdNum: [["idNum", "string"], ["options", "options"]],
    save: [["users", "records"], ["options", "options"]],
    validate: [["users", "records"], ["options", "options"]],
    assignAccessLevels: [["user", "userRef"], ["levels", "records"], ["options", "options"]],
    disable: [["user", "userRef"], ["options", "options"]],
    plan: [["roster", "roster"], ["options", "options"]],
    apply: [["plan", "plan"], ["options", "options"]],
  },
  credentials: {
    list: [["options", "options"]],
    summary: [["options", "options"]],
    reissue: [["credentials", "records"], ["options", "options"]],
  },
  events: {
    list: [["options", "options"]],
    after: [["id", "id"], ["options", "options"]],
    tail: [["options", "options"]],
  },
  doors: {
    list: [["options", "options"]],
    create: [["doors", "records"], ["options", "options"]],
    states: [["options", "options"]],
  },
  fobs: {
    list: [["options", "options"]],
    create: [["fobs", "records"], ["options", "options"]],
    reassign: [["assignments", "records"], ["options", "options"]],
    check: [["options", "options"]],
  },
  schedules: { list: [["options", "options"]] },
  accessLevels: { list: [["options", "options"]] },
};

/** The batch writes whose records cross on the field tape (js/validators.js): method -> [kind, name in messages]. */
const TAPED = {
  "users.save": ["users", "users"],
  "users.validate": ["users", "users"],
  "fobs.create": ["fobs", "fobs"],
  "fobs.reassign": ["fobAssignments", "assignments"],
  "doors.create": ["doors", "doors"],
  "credentials.reissue": ["credentialReissues", "items"],
  "users.plan": ["users", "roster"],
};

/** The sync methods (every other method returns a Promise). */
const SYNC = new Set(["events.tail"]);

const inspectCustom = Symbol.for("nodejs.util.inspect.custom");

/**
 * Builds the public classes and functions over `core` (the wasm-bindgen exports, already
 * guarded against traps by js/guard.js) and `LocktError`.
 */
export function makeSurface(core, LocktError) {
  const { badArgument, fromCaller, entry } = makeChecks(LocktError);

  /**
   * The call of `inner[name]`. A batch write's records go on the field tape first (for a roster
   * `{ users, rows }`, its users; null when not an array, for the core to refuse).
   */
  function caller(where, name, inner) {
    if (!TAPED[where]) return (...args) => inner[name](...args);
    const [kind, what] = TAPED[where];
    return (records, ...rest) => {
      let tape;
      try {
        tape = Array.isArray(records) ? core.writeTape(kind, records, what) : { users: Array.isArray(records.users) ? core.writeTape(kind, records.users, `${what}.users`) : null, rows: records.rows };
      } catch (error) {
        return Promise.reject(error);
      }
      return inner[name](tape, ...rest);
    };
  }

  /** Defines `methods` on `target` as non-enumerable, bound, checked functions over `inner`. */
  function defineMethods(target, prefix, methods, inner) {
    for (const [name, params] of Object.entries(methods)) {
      const where = `${prefix}.${name}`;
      const fn = entry(where, params, caller(where, name, inner), !SYNC.has(where));
      Object.defineProperty(target, name, { value: fn, writable: true, configurable: true });
    }
  }

  const subApiClasses = {};
  for (const [property, methods] of Object.entries(SUB_APIS)) {
    const className = `${property[0].toUpperCase()}${property.slice(1)}Api`;
    const cls = {
      [className]: class {
        constructor(inner) {
          if (!(inner instanceof core[className])) {
            throw new LocktError(`${className} is made by LocktClient: use lockt.${property}`, { kind: "config" });
          }
          defineMethods(this, property, methods, inner);
        }
      },
    }[className];
    subApiClasses[className] = cls;
  }

  // Each client's wasm object, out of sight of consoles (a private field shows in DevTools).
  const inners = new WeakMap();

  /** A client for the Lockt SecureAccess Cloud API v1. */
  class LocktClient {
    constructor(options) {
      const site = {};
      Error.captureStackTrace?.(site, LocktClient);
      const bad = badArgument("new LocktClient", [["options", "options"]], [options]);
      if (bad) throw fromCaller(bad, site);
      let inner;
      try {
        inner = new core.LocktClient(options);
      } catch (error) {
        throw fromCaller(error, site);
      }
      inners.set(this, inner);
      const settings = inner.toJSON();
      Object.defineProperty(this, "baseUrl", { value: settings.baseUrl, enumerable: true });
      Object.defineProperty(this, "apiUser", { value: settings.apiUser, enumerable: true });
      for (const property of Object.keys(SUB_APIS)) {
        const api = new subApiClasses[`${property[0].toUpperCase()}${property.slice(1)}Api`](inner[property]);
        Object.defineProperty(this, property, { value: Object.freeze(api), enumerable: false });
      }
      defineMethods(this, "lockt", { nextCardNumber: [["options", "options"]] }, inner);
    }

    /** The settings without secrets: `{ baseUrl, apiUser, apiKey: "[redacted]", timeoutMs, maxRetries }`. */
    toJSON() {
      return inners.get(this).toJSON();
    }

    /** `LocktClient(<baseUrl>)`, without secrets. */
    toString() {
      return inners.get(this).toString();
    }

    /** What util.inspect and console.log show in Node: the settings, without secrets. */
    [inspectCustom](depth, options, inspect) {
      return `LocktClient ${inspect(this.toJSON(), options)}`;
    }
  }

  return { LocktClient, ...subApiClasses, ...makeFunctions(core, LocktError) };
}
