// Column helpers shared by every table, so all timestamps are stored the same way: timestamptz,
// read back as JavaScript Dates (the scheduler compares instants, never wall-clock strings).
import { customType } from "drizzle-orm/pg-core";
import pg from "pg";

/** node-postgres's own parser of a timestamptz's text form (postgres-date). */
const parsePgTimestamptz = pg.types.getTypeParser(pg.types.builtins.TIMESTAMPTZ) as (text: string) => Date | number;

/**
 * Postgres's text form of a timestamptz (`0099-06-01 00:00:00.123456+00`) as a Date, by
 * node-postgres's own parser. drizzle's timestamp column hands that text to `new Date`, whose
 * legacy rules take years 0–99 for 1900–1999 (a run's logical date of 0099-06-01 came back as
 * 1999-06-01) and refuse an offset with seconds (Postgres prints one for old dates in zones with a
 * local mean time, e.g. `+05:53:28` in Asia/Kolkata). `infinity` is an Invalid Date, as before.
 */
export function parseTimestamptz(text: string): Date {
  const parsed = parsePgTimestamptz(text);
  return parsed instanceof Date ? parsed : new Date(Number.NaN);
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
