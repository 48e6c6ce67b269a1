// Node ESM entry: the same "web" build as index.js, instantiated synchronously
// from the .wasm file on disk (Node's fetch cannot load file: URLs).
import { readFileSync } from "node:fs";
import * as core from "./web/lockt_secureaccess.js";
import { LocktError } from "./lockt-error.js";
import { makeSchemas } from "./schemas.js";

core.initSync({ module: readFileSync(new URL("./web/lockt_secureaccess_bg.wasm", import.meta.url)) });
if ("registerErrorClass" in core) core.registerErrorClass(LocktError);

export * from "./web/lockt_secureaccess.js";
export { LocktError, LOCKT_ERROR_KINDS } from "./lockt-error.js";

/** Standard Schema objects over the SDK's validators. */
export const { userSchema, fobSchema, doorSchema } = makeSchemas(core);

const ready = Promise.resolve();

/** Already loaded in Node; kept so that the same code runs everywhere. */
export function init() {
  return ready;
}

export default init;
