// One log line when a server (Postgres, Redis) goes away and one when it is back, however many
// retries happen in between: an operator reads "Postgres unreachable" once, not once per query.
import type { Logger } from "./logger.ts";

export interface OutageLog {
  /** Reports a failure; logs a warning only on the first one of an outage. Returns true then. */
  down(error: unknown): boolean;
  /** Reports a success; logs "back" (with the outage's length) only when an outage was open. */
  up(): boolean;
  /** True while an outage is open. */
  readonly isDown: boolean;
  /** When the current outage began, or null. */
  readonly since: Date | null;
}

/**
 * An outage tracker for one server. `what` names it in the lines ("Postgres", "Redis").
 * @example const pg = outageLog(logger, "Postgres"); pool.on("error", (e) => pg.down(e));
 */
export function outageLog(logger: Logger, what: string): OutageLog {
  let since: Date | null = null;
  return {
    get isDown() {
      return since !== null;
    },
    get since() {
      return since;
    },
    down(error) {
      if (since !== null) return false;
      since = new Date();
      const err = error instanceof Error ? error.message : String(error);
      logger.warn({ err, server: what }, `${what} unreachable; retrying until it is back`);
      return true;
    },
    up() {
      if (since === null) return false;
      const downMs = Date.now() - since.getTime();
      since = null;
      logger.info({ server: what, downMs }, `${what} is back after ${Math.round(downMs / 100) / 10} s`);
      return true;
    },
  };
}
