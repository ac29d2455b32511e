// DAG files that failed to import on the last parse. Each pass deletes the rows of files that
// now load and upserts the rest by filename, so an unchanged error keeps its id.
import { pgTable, serial, text } from "drizzle-orm/pg-core";
import { timestamptz } from "./columns.ts";

export const importErrors = pgTable("import_errors", {
  id: serial("id").primaryKey(),
  filename: text("filename").notNull().unique("import_errors_filename_key"),
  stackTrace: text("stack_trace").notNull(),
  timestamp: timestamptz("timestamp").notNull(),
});

export type ImportErrorRow = typeof importErrors.$inferSelect;
