// Durations in the SDK are seconds as a number or a string with a unit ("500ms", "30s", "5m",
// "1h", "2d"); inside Updraft every duration is whole milliseconds.
import { UpdraftError } from "./errors.ts";

/** Seconds as a number, or a string with a unit: `"500ms"`, `"30s"`, `"5m"`, `"1h"`, `"1d"`. */
export type Duration = number | `${number}${"ms" | "s" | "m" | "h" | "d"}`;

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const DURATION_PATTERN = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$/;

export function parseDuration(value: Duration | string, what = "duration"): number {
  if (typeof value === "number") {
    if (!Number.isFinite(value) || value < 0) {
      throw new UpdraftError("UPDRAFT_INVALID_DURATION", `${what} must be a non-negative number of seconds, got ${value}`);
    }
    return Math.round(value * 1_000);
  }
  const match = DURATION_PATTERN.exec(value);
  if (!match) {
    throw new UpdraftError(
      "UPDRAFT_INVALID_DURATION",
      `${what} "${value}" is not a duration; use seconds as a number or a string like "500ms", "30s", "5m", "1h"`,
    );
  }
  const amount = Number(match[1]);
  const unit = match[2] as keyof typeof UNIT_MS;
  return Math.round(amount * UNIT_MS[unit]);
}

/** Human form of a millisecond duration, for logs and messages: 1500 -> "1.5s". */
export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${ms}ms`;
  if (ms < 60_000) return `${+(ms / 1_000).toFixed(2)}s`;
  if (ms < 3_600_000) return `${+(ms / 60_000).toFixed(2)}m`;
  return `${+(ms / 3_600_000).toFixed(2)}h`;
}
