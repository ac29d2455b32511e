// Read side of DAG import errors (the DAG processor writes them through syncDags).
import { asc } from "drizzle-orm";
import type { UpdraftDb } from "../client.ts";
import { importErrors, type ImportErrorRow } from "../schema/import-errors.ts";

/** All import errors from the last parse, by filename. */
export async function listImportErrors(db: UpdraftDb): Promise<ImportErrorRow[]> {
  return db.select().from(importErrors).orderBy(asc(importErrors.filename));
}
