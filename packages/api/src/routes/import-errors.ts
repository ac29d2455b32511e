// GET /api/v1/importErrors: DAG files that failed to load on the last parse.
import { toImportErrorResponse } from "@updraft/api-contract";
import { pageImportErrors } from "@updraft/db";
import { errorResponses } from "../schemas/common.ts";
import { ImportErrorCollection, PageQuery } from "../schemas/dags.ts";
import type { ApiApp, ApiContext } from "./context.ts";

export function importErrorRoutes(app: ApiApp, { db }: ApiContext): void {
  app.get(
    "/api/v1/importErrors",
    {
      schema: { tags: ["ImportError"], summary: "List import errors", querystring: PageQuery, response: { 200: ImportErrorCollection, ...errorResponses } },
    },
    async (request) => {
      const { rows, total } = await pageImportErrors(db, { limit: request.query.limit, offset: request.query.offset });
      return { import_errors: rows.map(toImportErrorResponse), total_entries: total };
    },
  );
}
