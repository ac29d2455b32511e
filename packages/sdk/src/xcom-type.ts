// The compile-time half of "XCom values survive or fail loudly" (the run-time half is
// describeNonJsonValue in @updraft/core): a task's result is stored as JSON, so a return type
// holding a value JSON would change (a Date becomes a string, a Map or Set `{}`, a BigInt
// throws) does not compile. NaN and Infinity are numbers to the compiler; they are refused when
// the task returns them.
import type { JsonValue } from "@updraft/core";

type JsonLeaf = string | number | boolean | null | undefined | void;

/** Built-in values JSON does not carry unchanged. */
type NotJson =
  | bigint
  | symbol
  | ((...args: never[]) => unknown)
  | Date
  | RegExp
  | ReadonlyMap<unknown, unknown>
  | ReadonlySet<unknown>
  | WeakMap<object, unknown>
  | WeakSet<object>
  | Error
  | ArrayBuffer
  | ArrayBufferView
  | PromiseLike<unknown>;

/**
 * `T` where it is a JSON value (plain objects and arrays of JSON values), with every part JSON
 * would change replaced by `never`, so returning such a value does not compile. `any` and
 * `unknown` pass (checked when the task runs).
 */
export type XComSafe<T> = unknown extends T
  ? T
  : [T] extends [JsonValue]
    ? T
    : T extends JsonLeaf
      ? T
      : T extends NotJson
        ? never
        : { [K in keyof T]: XComSafe<T[K]> };

/** What a task function may return: an XComSafe value, or a promise of one. */
export type XComReturn<R> = unknown extends R ? R : R extends PromiseLike<infer V> ? PromiseLike<XComSafe<V>> : XComSafe<R>;
