// Zod parsers from one raw environment string to a typed value. Each parser fails with a
// single "expected …" message so the loader can say what a variable accepts, whichever check
// tripped. Values arrive non-empty: the loader treats empty strings as unset before parsing.
import { z } from "zod";

/** A whole number in [min, max]; `allowed` overrides the generated message. */
export function wholeNumber(min: number, max = Number.MAX_SAFE_INTEGER, allowed?: string) {
  const error =
    allowed ?? (max === Number.MAX_SAFE_INTEGER ? `expected a whole number >= ${min}` : `expected a whole number from ${min} to ${max}`);
  return z
    .string()
    .trim()
    // A regex rather than Number(): Number() accepts "1e3", "0x10" and "  ", none of which an operator means.
    .refine((raw) => /^\d+$/.test(raw) && Number(raw) >= min && Number(raw) <= max, { error })
    .transform(Number);
}

/** A positive number of seconds (fractions allowed), returned as whole milliseconds. */
export function secondsAsMs() {
  return z
    .string()
    .trim()
    .refine((raw) => /^\d+(\.\d+)?$/.test(raw) && Number(raw) > 0, { error: "expected a number of seconds > 0" })
    // Round up so a tiny positive value never becomes a zero-length (busy-looping) interval.
    .transform((raw) => Math.ceil(Number(raw) * 1000));
}

/** One of a fixed set of lowercase words; input is matched case-insensitively. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.enum(values, { error: `expected one of ${values.join(", ")}` }));
}

/** true/false/1/0/yes/no, case-insensitive. */
export function flag() {
  return z
    .string()
    .trim()
    .pipe(
      z.stringbool({
        truthy: ["true", "1", "yes"],
        falsy: ["false", "0", "no"],
        case: "insensitive",
        error: "expected true, false, 1, 0, yes or no",
      }),
    );
}

/** An absolute URL whose scheme is one of `schemes` (without the colon). */
export function urlWithScheme(schemes: readonly string[]) {
  const error = `expected a URL starting with ${schemes.map((s) => `${s}://`).join(" or ")}`;
  return z
    .string()
    .trim()
    .refine(
      (raw) => {
        // Check the literal prefix too: new URL() would also accept "postgres:foo" without slashes.
        if (!schemes.some((s) => raw.toLowerCase().startsWith(`${s}://`))) return false;
        return URL.canParse(raw);
      },
      { error },
    );
}

/** Any text; used for paths and secrets, which have no shape to check. */
export function text() {
  return z.string();
}
