// Node CommonJS entry: the wasm-bindgen "nodejs" build (loads the .wasm
// synchronously at require time).
"use strict";

const core = require("./node/lockt_secureaccess.js");
const { makeGuard } = require("./guard.cjs");
const { LocktError, LOCKT_ERROR_KINDS } = require("./lockt-error.cjs");
const { makeSchemas } = require("./schemas.cjs");
const { makeValidators } = require("./validators.cjs");

const guard = makeGuard(core, LocktError);
guard.register();
// Every export, with a panic in the core turned into a LocktError.
const guarded = guard.guardExports(Object.keys(core));

const ready = Promise.resolve();

/** Already loaded in Node; kept so that the same code runs everywhere. */
function init() {
  return ready;
}

// The offline validators (validators.js walks the records; the rules are the core's).
const validators = makeValidators(guarded, LocktError);
const { userSchema, fobSchema, doorSchema } = makeSchemas(validators);

module.exports = { ...core, ...guarded, ...validators, LocktError, LOCKT_ERROR_KINDS, userSchema, fobSchema, doorSchema, init, default: init };
