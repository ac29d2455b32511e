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

// SQLSTATEs that mean "the server went away", not "the query was wrong": class 08 (connection
// exception), 57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot connect now (starting up).
const CONNECTION_STATES = /^(08...|57P0[123])$/;
const CONNECTION_ERRNOS = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "ENOTFOUND", "EHOSTUNREACH", "EAI_AGAIN"]);

/**
 * True when the error (or a cause) says the database connection was lost or could not be made:
 * a restart (57P01), a refused connection, a reset socket, node-postgres' "Connection terminated".
 * Such errors are retried after a pause; every other error is a real failure of the statement.
 */
export function isConnectionError(error: unknown): boolean {
  const state = sqlStateOf(error);
  if (state !== undefined) return CONNECTION_STATES.test(state);
  let current: unknown = error;
  for (let depth = 0; depth < 10 && current !== null && typeof current === "object"; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && CONNECTION_ERRNOS.has(code)) return true;
    const message = (current as { message?: unknown }).message;
    if (typeof message === "string" && /Connection terminated|connection timeout|Client has encountered a connection error/i.test(message)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
