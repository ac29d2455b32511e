// DAG routes: list with Airflow's filters and order, read one, pause or unpause, delete its records.
import { toDagResponse } from "@updraft/api-contract";
import { deleteDagRecords, searchDags, setDagPaused, wakeScheduler } from "@updraft/db";
import { Type } from "typebox";
import { audit } from "../audit.ts";
import { Dag, DagCollection, DagListQuery, DagPatchBody } from "../schemas/dags.ts";
import { DagIdParams, errorResponses } from "../schemas/common.ts";
import type { ApiApp, ApiContext } from "./context.ts";
import { requireDag } from "./lookups.ts";
import { parseOrderBy } from "./order-by.ts";
import { splitList } from "./query-lists.ts";

const ORDER_FIELDS = ["dag_id", "last_parsed_time", "next_dagrun", "is_paused"] as const;

export function dagRoutes(app: ApiApp, { db, config }: ApiContext): void {
  const toResponse = (row: Parameters<typeof toDagResponse>[0]) => toDagResponse(row, config);

  app.get(
    "/api/v1/dags",
    { schema: { tags: ["DAG"], summary: "List DAGs", querystring: DagListQuery, response: { 200: DagCollection, ...errorResponses } } },
    async (request) => {
      const q = request.query;
      const { rows, total } = await searchDags(db, {
        onlyActive: q.only_active ?? true,
        paused: q.paused,
        tags: q.tags === undefined ? undefined : splitList(q.tags),
        dagIdPattern: q.dag_id_pattern,
        orderBy: parseOrderBy(q.order_by, ORDER_FIELDS),
        limit: q.limit,
        offset: q.offset,
      });
      return { dags: rows.map(toResponse), total_entries: total };
    },
  );

  app.get(
    "/api/v1/dags/:dag_id",
    { schema: { tags: ["DAG"], summary: "Get a DAG", params: DagIdParams, response: { 200: Dag, ...errorResponses } } },
    async (request) => toResponse(await requireDag(db, request.params.dag_id)),
  );

  app.patch(
    "/api/v1/dags/:dag_id",
    {
      config: { access: "Op" },
      schema: { tags: ["DAG"], summary: "Pause or unpause a DAG", params: DagIdParams, body: DagPatchBody, response: { 200: Dag, ...errorResponses } },
    },
    async (request) => {
      const row = await setDagPaused(db, request.params.dag_id, request.body.is_paused);
      // Unpausing may release queued runs; the scheduler should not wait for its next pass.
      if (!row.isPaused) await wakeScheduler(db, "dag_unpaused");
      await audit(db, request, row.isPaused ? "paused" : "unpaused", { dagId: row.dagId, extra: { is_paused: row.isPaused } });
      return toResponse(row);
    },
  );

  app.delete(
    "/api/v1/dags/:dag_id",
    {
      config: { access: "Op" },
      schema: {
        tags: ["DAG"],
        summary: "Delete a DAG's records (runs, task instances, XCom, logs); its file stays, so the next parse brings it back empty",
        params: DagIdParams,
        response: { 204: Type.Null({ description: "Deleted" }), ...errorResponses },
      },
    },
    async (request, reply) => {
      await deleteDagRecords(db, request.params.dag_id);
      await audit(db, request, "dag_deleted", { dagId: request.params.dag_id });
      return reply.code(204).send(null);
    },
  );
}
