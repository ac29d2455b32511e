// Paged reading of import errors for the REST API.
import { asc, count } from "drizzle-orm";
import type { UpdraftDb } from "../client.ts";
import { importErrors, type ImportErrorRow } from "../schema/import-errors.ts";

/** Import errors by filename, with the total for pagination. */
export async function pageImportErrors(
  db: UpdraftDb,
  page: { limit?: number | undefined; offset?: number | undefined } = {},
): Promise<{ rows: ImportErrorRow[]; total: number }> {
  const rows = await db
    .select()
    .from(importErrors)
    .orderBy(asc(importErrors.filename))
    .limit(page.limit ?? 100)
    .offset(page.offset ?? 0);
  const [total] = await db.select({ n: count() }).from(importErrors);
  return { rows, total: total?.n ?? 0 };
}
