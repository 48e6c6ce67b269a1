// Test hooks, outside the exports map and the typings: the package's own tests import this
// file by its path. The entry that loads the module fills it in. Plain ESM; scripts/build.mjs
// derives the CommonJS twin (internal.cjs) from this file.

/**
 * `panicForTests(message)` panics inside the core, `trapForTests(kind)` traps it otherwise;
 * `registerErrorClass(cls)` swaps the class the core builds errors with.
 */
export const testHooks = {};
