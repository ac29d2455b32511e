// Variables: key/value settings read by tasks (`Variable.get`), as Airflow's `variable` table. The
// value is text (JSON for structured values); it is Fernet-encrypted when UPDRAFT_FERNET_KEY is set.
import { boolean, pgTable, serial, text } from "drizzle-orm/pg-core";

export const variables = pgTable("variables", {
  id: serial("id").primaryKey(),
  key: text("key").notNull().unique("variables_key_key"),
  /** The value, or its Fernet token when `is_encrypted`. */
  val: text("val"),
  description: text("description"),
  isEncrypted: boolean("is_encrypted").notNull().default(false),
});

export type VariableRow = typeof variables.$inferSelect;
