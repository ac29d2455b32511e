// DAG files that failed to import on the last parse. The DAG processor replaces the whole table
// each pass, so a fixed file's error disappears without bookkeeping.
import { pgTable, serial, text } from "drizzle-orm/pg-core";
import { timestamptz } from "./columns.ts";

export const importErrors = pgTable("import_errors", {
  id: serial("id").primaryKey(),
  filename: text("filename").notNull().unique("import_errors_filename_key"),
  stackTrace: text("stack_trace").notNull(),
  timestamp: timestamptz("timestamp").notNull(),
});

export type ImportErrorRow = typeof importErrors.$inferSelect;
