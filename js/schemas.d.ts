// Types of schemas.js: the Standard Schema objects over the SDK's validators. scripts/build.mjs
// derives schemas.d.cts (over the nodejs build's types) from this file.
import type { DoorInput, FobInput, IssueCode, UserInput, WireDoor, WireFob, WireUser } from "./web/lockt_secureaccess.js";

/** The Standard Schema v1 interface (https://standardschema.dev), inlined: no dependency. */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  readonly "~standard": StandardSchemaV1.Props<Input, Output>;
}
export declare namespace StandardSchemaV1 {
  interface Props<Input = unknown, Output = Input> {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (value: unknown) => Result<Output> | Promise<Result<Output>>;
    readonly types?: Types<Input, Output> | undefined;
  }
  type Result<Output> = SuccessResult<Output> | FailureResult;
  interface SuccessResult<Output> {
    readonly value: Output;
    readonly issues?: undefined;
  }
  interface FailureResult {
    readonly issues: ReadonlyArray<Issue>;
  }
  interface Issue {
    readonly message: string;
    readonly path?: ReadonlyArray<PropertyKey | PathSegment> | undefined;
  }
  interface PathSegment {
    readonly key: PropertyKey;
  }
  interface Types<Input = unknown, Output = Input> {
    readonly input: Input;
    readonly output: Output;
  }
  type InferInput<Schema extends StandardSchemaV1> = NonNullable<Schema["~standard"]["types"]>["input"];
  type InferOutput<Schema extends StandardSchemaV1> = NonNullable<Schema["~standard"]["types"]>["output"];
}

/** An issue of the SDK's schemas: the Standard Schema issue plus the rule's stable `code`. */
export interface LocktSchemaIssue extends StandardSchemaV1.Issue {
  readonly code: IssueCode;
  readonly path?: readonly [string];
}
/** What the SDK's schemas' `validate` returns: synchronously, the wire form or every issue. */
export type LocktSchemaResult<Output> =
  | { readonly value: Output; readonly issues?: undefined }
  | { readonly issues: ReadonlyArray<LocktSchemaIssue> };
/** The `~standard` property of the SDK's schemas. */
export interface LocktSchemaProps<Input, Output> extends StandardSchemaV1.Props<Input, Output> {
  readonly vendor: "lockt-secureaccess";
  readonly validate: (value: unknown) => LocktSchemaResult<Output>;
}
/** A Standard Schema over one of the SDK's validators; `validate` is synchronous. */
export interface LocktSchema<Input, Output> extends StandardSchemaV1<Input, Output> {
  readonly "~standard": LocktSchemaProps<Input, Output>;
}
/** The rules of `validateUsers` for one user (no duplicate checks across records); the output is the wire form. */
export declare const userSchema: LocktSchema<UserInput, WireUser>;
/** The rules of `validateFobs` for one fob. */
export declare const fobSchema: LocktSchema<FobInput, WireFob>;
/** The rules of `validateDoors` for one door. */
export declare const doorSchema: LocktSchema<DoorInput, WireDoor>;

