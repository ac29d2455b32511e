// GET /api/v1/importErrors (with Airflow's order_by) and /importErrors/{id}: DAG files that
// failed to load on the last parse.
import { toImportErrorResponse } from "@updraft/api-contract";
import { UpdraftError } from "@updraft/core";
import { getImportError, IMPORT_ERROR_ORDER_FIELDS, searchImportErrors, type ImportErrorOrderField } from "@updraft/db";
import { Type } from "typebox";
import { errorResponses } from "../schemas/common.ts";
import { ImportError, ImportErrorCollection, OrderedPageQuery } from "../schemas/dags.ts";
import { parseOrderBy } from "./order-by.ts";
import type { ApiApp, ApiContext } from "./context.ts";

export function importErrorRoutes(app: ApiApp, { db }: ApiContext): void {
  app.get(
    "/api/v1/importErrors",
    {
      schema: { tags: ["ImportError"], summary: "List import errors", querystring: OrderedPageQuery, response: { 200: ImportErrorCollection, ...errorResponses } },
    },
    async (request) => {
      const orderBy = parseOrderBy(request.query.order_by, Object.keys(IMPORT_ERROR_ORDER_FIELDS) as ImportErrorOrderField[]);
      const { rows, total } = await searchImportErrors(db, { orderBy, limit: request.query.limit, offset: request.query.offset });
      return { import_errors: rows.map(toImportErrorResponse), total_entries: total };
    },
  );

  app.get(
    "/api/v1/importErrors/:import_error_id",
    {
      schema: {
        tags: ["ImportError"],
        summary: "Get an import error",
        params: Type.Object({ import_error_id: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }) }),
        response: { 200: ImportError, ...errorResponses },
      },
    },
    async (request) => {
      const row = await getImportError(db, request.params.import_error_id);
      if (row === undefined) {
        throw new UpdraftError("UPDRAFT_IMPORT_ERROR_NOT_FOUND", `No import error ${request.params.import_error_id}`, { details: { importErrorId: request.params.import_error_id } });
      }
      return toImportErrorResponse(row);
    },
  );
}
