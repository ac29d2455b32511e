// Connections: how tasks reach outside systems (`Connection.get`), as Airflow's `connection` table.
// The password and extra are Fernet-encrypted when UPDRAFT_FERNET_KEY is set.
import { boolean, integer, pgTable, serial, text } from "drizzle-orm/pg-core";

export const connections = pgTable("connections", {
  id: serial("id").primaryKey(),
  connId: text("conn_id").notNull().unique("connections_conn_id_key"),
  connType: text("conn_type").notNull(),
  description: text("description"),
  host: text("host"),
  schema: text("schema"),
  login: text("login"),
  /** The password, or its Fernet token when `is_encrypted`. */
  password: text("password"),
  port: integer("port"),
  /** JSON object text, or its Fernet token when `is_extra_encrypted`. */
  extra: text("extra"),
  isEncrypted: boolean("is_encrypted").notNull().default(false),
  isExtraEncrypted: boolean("is_extra_encrypted").notNull().default(false),
});

export type ConnectionRow = typeof connections.$inferSelect;
