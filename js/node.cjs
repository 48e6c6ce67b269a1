// Node CommonJS entry: the wasm-bindgen "nodejs" build (loads the .wasm
// synchronously at require time).
"use strict";

const core = require("./node/lockt_secureaccess.js");
const { LocktError, LOCKT_ERROR_KINDS } = require("./lockt-error.cjs");
const { makeSchemas } = require("./schemas.cjs");

core.registerErrorClass?.(LocktError);

const ready = Promise.resolve();

/** Already loaded in Node; kept so that the same code runs everywhere. */
function init() {
  return ready;
}

const { userSchema, fobSchema, doorSchema } = makeSchemas(core);

module.exports = { ...core, LocktError, LOCKT_ERROR_KINDS, userSchema, fobSchema, doorSchema, init, default: init };
