/** What went wrong, in one word. */
export type LocktErrorKind =
  | "config"
  | "auth"
  | "bad_request"
  | "validation"
  | "not_found"
  | "rate_limited"
  | "server"
  | "network"
  | "timeout"
  | "aborted"
  | "decode"
  | "internal";

/** Every `kind` a LocktError can have. */
export declare const LOCKT_ERROR_KINDS: readonly LocktErrorKind[];

/** One rejected record of a failed write (`LocktError.details`). */
export interface LocktErrorDetail {
  /** Index of the record in the caller's input, when it could be matched. */
  index?: number;
  /** The messages for this record, in the API's words. */
  messages: string[];
  /** The record as the API echoed it back, when it did. */
  input_data?: Record<string, unknown>;
}

/** The second argument of the LocktError constructor. */
export interface LocktErrorInit {
  kind?: LocktErrorKind | undefined;
  status?: number | undefined;
  messages?: string[] | undefined;
  details?: LocktErrorDetail[] | undefined;
  retryable?: boolean | undefined;
  cause?: unknown;
}

/** Every failure of the SDK rejects with a LocktError. */
export declare class LocktError extends Error {
  constructor(message: string, init?: LocktErrorInit);
  readonly name: "LocktError";
  /** What went wrong, in one word. */
  kind: LocktErrorKind;
  /** The HTTP status, when a response arrived. */
  status: number | undefined;
  /** The messages from the API (or from the SDK), in order. */
  messages: string[];
  /** For a failed write: one entry per rejected record, with its index. */
  details: LocktErrorDetail[];
  /** Whether trying the same call again later may succeed. */
  retryable: boolean;
  toJSON(): {
    name: "LocktError";
    kind: LocktErrorKind;
    status: number | undefined;
    message: string;
    messages: string[];
    details: LocktErrorDetail[];
    retryable: boolean;
  };
}

/** Whether `value` is a LocktError, from `import` or `require` alike (as `instanceof LocktError`). */
export declare function isLocktError(value: unknown): value is LocktError;
