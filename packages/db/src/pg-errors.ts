// Recognising driver errors. node-postgres and PGlite both report the SQLSTATE as `code`, but
// drizzle wraps failures in DrizzleQueryError, so the code may sit anywhere down the cause chain.

/** SQLSTATE 23505: a unique or primary-key constraint rejected the row. */
export const UNIQUE_VIOLATION = "23505";

/** The first SQLSTATE found on the error or its causes, or undefined. */
export function sqlStateOf(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 10 && current !== null && typeof current === "object"; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** True when the error (or a cause) is a unique violation, optionally of the named constraint. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  if (sqlStateOf(error) !== UNIQUE_VIOLATION) return false;
  if (constraint === undefined) return true;
  let current: unknown = error;
  for (let depth = 0; depth < 10 && current !== null && typeof current === "object"; depth++) {
    if ((current as { constraint?: unknown }).constraint === constraint) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/** A connection URL safe to print: the password, if any, replaced by `***`. */
export function maskDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== "") parsed.password = "***";
    return parsed.toString();
  } catch {
    // Not a URL (e.g. a libpq key=value string): hide anything that looks like a password.
    return url.replace(/(password\s*=\s*)\S+/gi, "$1***");
  }
}
