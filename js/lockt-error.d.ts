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

/** The second argument of the LocktError constructor. */
export interface LocktErrorInit {
  kind?: LocktErrorKind;
  status?: number;
  messages?: string[];
  details?: unknown[];
  retryable?: boolean;
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
  details: unknown[];
  /** Whether trying the same call again later may succeed. */
  retryable: boolean;
  toJSON(): {
    name: "LocktError";
    kind: LocktErrorKind;
    status: number | undefined;
    message: string;
    messages: string[];
    details: unknown[];
    retryable: boolean;
  };
}
