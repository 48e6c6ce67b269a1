// `lockt-secureaccess/validate` in Node (CommonJS): the validators' module, over the
// wasm-bindgen "nodejs" build (loaded synchronously at require time).
"use strict";

const core = require("./validate/node/lockt_secureaccess.js");
const { makeGuard } = require("./guard.cjs");
const { LocktError, LOCKT_ERROR_KINDS } = require("./lockt-error.cjs");
const { makeSchemas } = require("./schemas.cjs");
const { makeValidators } = require("./validators.cjs");

const guard = makeGuard(core, LocktError);
guard.register();
const guarded = guard.guardExports(Object.keys(core));
const validators = makeValidators(guarded, LocktError);
const { userSchema, fobSchema, doorSchema } = makeSchemas(validators);

/** Already loaded in Node; kept so that the same code runs everywhere. */
function init() {
  return Promise.resolve();
}

module.exports = { parseUsersCsv: guarded.parseUsersCsv, ...validators, LocktError, LOCKT_ERROR_KINDS, userSchema, fobSchema, doorSchema, init, default: init };
