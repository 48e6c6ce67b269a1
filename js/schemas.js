// Standard Schema (https://standardschema.dev, v1) objects over the core's
// validators, so that form libraries which take a zod or valibot schema
// (react-hook-form's standardSchemaResolver, TanStack Form, ...) use the SDK's
// rules unchanged. Plain ESM; scripts/build.mjs derives the CommonJS twin
// (schemas.cjs) from this file.

const VENDOR = "lockt-secureaccess";

/**
 * Builds `userSchema`, `fobSchema` and `doorSchema` over a loaded core (the
 * wasm-bindgen module). The core's functions are looked up at validation
 * time, so the schemas can be built before the browser build's `init()`.
 */
export function makeSchemas(core) {
  const schema = (validatorName) => {
    const standard = {
      version: 1,
      vendor: VENDOR,
      /**
       * `{ value }` with the record normalised to the wire form, or
       * `{ issues: [{ message, path: [field], code }] }` with every issue.
       */
      validate(value) {
        let report;
        try {
          report = core[validatorName]([value]);
        } catch (error) {
          return { issues: [{ message: String(error?.message ?? error), code: "invalid_type" }] };
        }
        const invalid = report.invalid[0];
        if (!invalid) return { value: report.valid[0] };
        return {
          issues: invalid.issues.map(({ field, code, message }) =>
            field ? { message, path: [field], code } : { message, code },
          ),
        };
      },
    };
    return Object.freeze({ "~standard": Object.freeze(standard) });
  };
  return Object.freeze({
    userSchema: schema("validateUsers"),
    fobSchema: schema("validateFobs"),
    doorSchema: schema("validateDoors"),
  });
}
