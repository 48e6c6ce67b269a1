// Must compile under tsc --strict: the public API as a TypeScript user writes it.
// Extend this file as the API grows (every method and record type).
import init, { LocktError, version, type LocktErrorKind } from "lockt-secureaccess";

await init();
const v: string = version();

function describe(error: unknown): string {
  if (error instanceof LocktError) {
    const kind: LocktErrorKind = error.kind;
    const status: number | undefined = error.status;
    const retry: boolean = error.retryable;
    const first: string | undefined = error.messages[0];
    return `${kind} ${status ?? "-"} ${retry} ${first ?? ""} ${error.details.length}`;
  }
  return String(error);
}

const e = new LocktError("Unauthorized", { kind: "auth", status: 401, messages: ["Unauthorized"] });
const json: { kind: LocktErrorKind; status: number | undefined } = e.toJSON();
console.log(v, describe(e), json);
