// Column helpers shared by every table, so all timestamps are stored the same way: timestamptz,
// read back as JavaScript Dates (the scheduler compares instants, never wall-clock strings).
import { timestamp } from "drizzle-orm/pg-core";

/** A `timestamp with time zone` column mapped to `Date`. */
export function timestamptz(name: string) {
  return timestamp(name, { withTimezone: true, mode: "date" });
}
