// A task's result (XCom) is stored and passed as JSON. A value JSON cannot carry faithfully (a
// Date becomes a string, NaN becomes null, a Set or Map becomes {}), or a string the database
// cannot store (a NUL character, a lone surrogate), is refused at the producing task with an error
// naming where it is, instead of reaching downstream changed or failing the write.
import { unstorableTextReason } from "./storable-text.ts";

/**
 * @returns null when `value` survives JSON unchanged (undefined object properties are dropped, as
 *   in JSON), else a description of the first value that would not, with its path, e.g.
 *   `result.when is a Date`.
 */
export function describeNonJsonValue(value: unknown, path = "result"): string | null {
  switch (typeof value) {
    case "string": {
      const unstorable = unstorableTextReason(value);
      return unstorable === null ? null : `${path} holds ${unstorable}, which the database cannot store`;
    }
    case "boolean":
      return null;
    case "number":
      return Number.isFinite(value) ? null : `${path} is ${String(value)}, which JSON stores as null`;
    case "undefined":
      return `${path} is undefined`;
    case "bigint":
      return `${path} is a BigInt`;
    case "function":
    case "symbol":
      return `${path} is a ${typeof value}`;
    case "object":
      break;
  }
  if (value === null) return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = describeNonJsonValue(value[i], `${path}[${i}]`);
      if (found) return found;
    }
    return null;
  }
  const proto = Object.getPrototypeOf(value) as object | null;
  if (proto !== Object.prototype && proto !== null) {
    const name = (value as { constructor?: { name?: string } }).constructor?.name ?? "object";
    return `${path} is a ${name}, which JSON does not keep (convert it, e.g. a Date with toISOString(), a Set with [...set])`;
  }
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    if (item === undefined) continue;
    const unstorableKey = unstorableTextReason(key);
    if (unstorableKey !== null) return `${path} has a key that holds ${unstorableKey}, which the database cannot store`;
    const found = describeNonJsonValue(item, `${path}.${key}`);
    if (found) return found;
  }
  return null;
}
