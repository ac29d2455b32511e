// Counters of the login throttle (rate-limiter-flexible's store), shared by every webserver:
// one row per key (`login_user:<name>`, `login_ip:<address>`), with the points used in the
// current window and when the window ends.
import { integer, pgTable, text } from "drizzle-orm/pg-core";
import { timestamptz } from "./columns.ts";

export const rateLimits = pgTable("rate_limit", {
  key: text("key").primaryKey(),
  points: integer("points").notNull(),
  /** End of the window (or of the block); null means it never expires. */
  expire: timestamptz("expire"),
});
