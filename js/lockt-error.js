// The error class every failure of the SDK rejects with. The Rust core builds
// instances of it through `registerErrorClass(LocktError)`, so `instanceof`
// works on errors thrown from wasm. Plain ESM; scripts/build.mjs derives the
// CommonJS twin (lockt-error.cjs) from this file.
//
// An app that both imports and requires the package loads both twins: every
// instance carries one brand, registered process-wide with Symbol.for, and
// `instanceof LocktError` asks for the brand, so it holds across the twins.

/** The process-wide brand of LocktError instances, whichever copy made them. */
const BRAND = Symbol.for("lockt-secureaccess.LocktError");

/** Every `kind` a LocktError can have. */
export const LOCKT_ERROR_KINDS = Object.freeze([
  "config",
  "auth",
  "bad_request",
  "validation",
  "not_found",
  "rate_limited",
  "server",
  "network",
  "timeout",
  "aborted",
  "decode",
  "internal",
]);

export class LocktError extends Error {
  /** True for a LocktError from any copy of the package (subclasses check their own chain). */
  static [Symbol.hasInstance](value) {
    if (this !== LocktError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return isLocktError(value);
  }

  /**
   * @param {string} message
   * @param {{kind?: string, status?: number, messages?: string[], details?: unknown[],
   *          retryable?: boolean, cause?: unknown}} [init]
   */
  constructor(message, options) {
    // Any arguments make an error (a Symbol message, a null init): never a TypeError instead.
    const init = typeof options === "object" && options !== null ? options : {};
    super(typeof message === "symbol" ? message.toString() : message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = "LocktError";
    this.kind = LOCKT_ERROR_KINDS.includes(init.kind) ? init.kind : "internal";
    this.status = typeof init.status === "number" ? init.status : undefined;
    this.messages = Array.isArray(init.messages) ? [...init.messages] : [];
    this.details = Array.isArray(init.details) ? [...init.details] : [];
    this.retryable = init.retryable === true;
    Object.defineProperty(this, BRAND, { value: true });
  }

  /** What JSON.stringify(error) shows: no stack, no cause. */
  toJSON() {
    return {
      name: this.name,
      kind: this.kind,
      status: this.status,
      message: this.message,
      messages: this.messages,
      details: this.details,
      retryable: this.retryable,
    };
  }
}

/** Whether `value` is a LocktError, from `import` or `require` alike. */
export function isLocktError(value) {
  return typeof value === "object" && value !== null && value[BRAND] === true;
}
