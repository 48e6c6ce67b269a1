// Node CommonJS entry: the wasm-bindgen "nodejs" build (loads the .wasm
// synchronously at require time).
"use strict";

const core = require("./node/lockt_secureaccess.js");
const { makeGuard } = require("./guard.cjs");
const { testHooks } = require("./internal.cjs");
const { LocktError, LOCKT_ERROR_KINDS, isLocktError } = require("./lockt-error.cjs");
const { makeSchemas } = require("./schemas.cjs");
const { makeValidators } = require("./validators.cjs");
const { makeSurface } = require("./surface.cjs");

const guard = makeGuard(core, LocktError);
guard.register();
const guarded = guard.guardExports(Object.keys(core));
testHooks.panicForTests = guarded.__panicForTests;
testHooks.trapForTests = guarded.__trapForTests;
testHooks.registerErrorClass = guarded.registerErrorClass;
// The public classes and functions: arguments checked, panics in the core as LocktErrors.
// The offline validators walk the records in JS (validators.js); the rules are the core's.
const surface = makeSurface({ ...guarded, ...makeValidators(guarded, LocktError) }, LocktError);

const ready = Promise.resolve();

/** Already loaded in Node; kept so that the same code runs everywhere. */
function init() {
  return ready;
}

const { userSchema, fobSchema, doorSchema } = makeSchemas(surface);

module.exports = { ...surface, LocktError, LOCKT_ERROR_KINDS, isLocktError, userSchema, fobSchema, doorSchema, init, default: init };
