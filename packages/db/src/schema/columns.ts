// Column helpers shared by every table, so all timestamps are stored the same way: timestamptz,
// read back as JavaScript Dates (the scheduler compares instants, never wall-clock strings).
import { customType } from "drizzle-orm/pg-core";

/**
 * Postgres's text form of a timestamptz (`0099-06-01 00:00:00.123456+00`, DateStyle ISO) as a Date,
 * to the millisecond (microseconds are cut, as `new Date` cuts them). V8's own parser reads that
 * form with its legacy rules, which take years 0–99 for 1900–1999 (a run's logical date of
 * 0099-06-01 came back as 1999-06-01) and refuse an offset with seconds (Postgres prints one for
 * old dates in zones with a local mean time, e.g. `+05:53:28` in Asia/Kolkata). Anything else (BC
 * dates, years past 9999, `infinity`) is left to `new Date`, as before.
 */
export function parseTimestamptz(text: string): Date {
  const m = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(?:\.(\d+))?([+-])(\d\d)(?::(\d\d))?(?::(\d\d))?$/.exec(text);
  if (m === null) return new Date(text);
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const ms = Number((m[7] ?? "").padEnd(3, "0").slice(0, 3));
  const offsetSeconds = (m[8] === "-" ? -1 : 1) * (Number(m[9]) * 3600 + Number(m[10] ?? 0) * 60 + Number(m[11] ?? 0));
  const at = new Date(0);
  at.setUTCFullYear(year, month - 1, day); // not Date.UTC, which also takes years 0-99 for 1900-1999
  at.setUTCHours(hour, minute, second, ms);
  return new Date(at.getTime() - offsetSeconds * 1000);
}

const timestamptzType = customType<{ data: Date; driverData: string | Date }>({
  dataType: () => "timestamp with time zone",
  // node-postgres (through drizzle) and PGlite hand over the text form; a Date passes as it is.
  fromDriver: (value) => (typeof value === "string" ? parseTimestamptz(value) : value),
  toDriver: (value) => value.toISOString(),
});

/** A `timestamp with time zone` column mapped to `Date`; `.default(sql\`now()\`)` gives it Postgres's now(). */
export function timestamptz(name: string) {
  return timestamptzType(name);
}
