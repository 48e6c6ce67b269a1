// Node CommonJS entry: the wasm-bindgen "nodejs" build (loads the .wasm
// synchronously at require time).
"use strict";

const core = require("./node/lockt_secureaccess.js");
const { makeGuard } = require("./guard.cjs");
const { LocktError, LOCKT_ERROR_KINDS } = require("./lockt-error.cjs");
const { makeSchemas } = require("./schemas.cjs");

const guard = makeGuard(core, LocktError);
guard.register();
// Every export, with a panic in the core turned into a LocktError.
const guarded = guard.guardExports(Object.keys(core));

const ready = Promise.resolve();

/** Already loaded in Node; kept so that the same code runs everywhere. */
function init() {
  return ready;
}

const { userSchema, fobSchema, doorSchema } = makeSchemas(guarded);

module.exports = { ...core, ...guarded, LocktError, LOCKT_ERROR_KINDS, userSchema, fobSchema, doorSchema, init, default: init };
