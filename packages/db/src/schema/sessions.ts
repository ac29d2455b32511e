// Browser sessions, as Airflow's `session` table: the cookie carries only the random
// `session_id`, so every webserver reading this table shares the sessions and a restart keeps them.
import { sql } from "drizzle-orm";
import { integer, pgTable, serial, text, index } from "drizzle-orm/pg-core";
import { timestamptz } from "./columns.ts";
import { users } from "./users.ts";

export const sessions = pgTable(
  "session",
  {
    id: serial("id").primaryKey(),
    sessionId: text("session_id").notNull().unique("session_session_id_key"),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: timestamptz("created_at").notNull().default(sql`now()`),
    expiry: timestamptz("expiry").notNull(),
  },
  (t) => [index("session_expiry_idx").on(t.expiry)],
);

export type SessionRow = typeof sessions.$inferSelect;
