// `lockt-secureaccess/validate` in Node (CommonJS): the validators' module, over the
// wasm-bindgen "nodejs" build (loaded synchronously at require time).
"use strict";

const core = require("./validate/node/lockt_secureaccess.js");
const { makeFunctions, makeGuard } = require("./guard.cjs");
const { LocktError, LOCKT_ERROR_KINDS, isLocktError } = require("./lockt-error.cjs");
const { makeSchemas } = require("./schemas.cjs");
const { makeValidators } = require("./validators.cjs");

const guard = makeGuard(core, LocktError);
guard.register();
const guarded = guard.guardExports(Object.keys(core));
// Arguments checked and stacks at the caller, as in the main entry (guard.js).
const { validateUsers, validateUser, validateFobs, validateFobAssignments, validateDoors, planBatches, parseUsersCsv, validateUsersCsv } = makeFunctions({ ...guarded, ...makeValidators(guarded, LocktError) }, LocktError);
const validators = { validateUsers, validateUser, validateFobs, validateFobAssignments, validateDoors, planBatches, parseUsersCsv, validateUsersCsv };
const { userSchema, fobSchema, doorSchema } = makeSchemas(validators);

/** Already loaded in Node; kept so that the same code runs everywhere. */
function init() {
  return Promise.resolve();
}

module.exports = { ...validators, LocktError, LOCKT_ERROR_KINDS, isLocktError, userSchema, fobSchema, doorSchema, init, default: init };
