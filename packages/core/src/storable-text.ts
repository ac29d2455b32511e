// Text Postgres (and PGlite) can store. Its text and jsonb types refuse the NUL character and
// malformed UTF-16 (a lone surrogate): one such value in a batched write fails the whole batch.

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * @returns null when Postgres can store `text` as it is, else why not ("a NUL character" or "a
 *   lone surrogate"), for messages such as `result.name holds a NUL character`.
 */
export function unstorableTextReason(text: string): string | null {
  if (text.includes("\u0000")) return "a NUL character";
  LONE_SURROGATE.lastIndex = 0;
  if (LONE_SURROGATE.test(text)) return "a lone surrogate";
  return null;
}

/**
 * `text` with each NUL character and lone surrogate replaced by U+FFFD (�), as a UTF-8 decoder
 * does with bytes it cannot read. For log lines and error messages, which must be stored whatever
 * a task prints; never for results (XCom), which are refused instead.
 */
export function storableText(text: string): string {
  return unstorableTextReason(text) === null ? text : text.replaceAll("\u0000", "\uFFFD").replace(LONE_SURROGATE, "\uFFFD");
}
