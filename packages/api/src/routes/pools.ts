// Pool routes. Anyone may read them; only Admins create, resize or delete. `default_pool` must
// always exist, since every task without an explicit pool uses it.
import { toPoolResponse } from "@updraft/api-contract";
import { UpdraftError } from "@updraft/core";
import { DEFAULT_POOL_NAME, deletePool, getPool, insertPool, listPools, poolUsage, updatePool, wakeScheduler, type PoolRow } from "@updraft/db";
import { Type } from "typebox";
import { Pool, PoolCollection, PoolCreateBody, PoolParams, PoolPatchBody, UpdateMaskQuery } from "../schemas/admin.ts";
import { masked } from "./update-mask.ts";
import { errorResponses } from "../schemas/common.ts";
import { OrderedPageQuery } from "../schemas/dags.ts";
import { audit } from "../audit.ts";
import { parseOrderBy } from "./order-by.ts";

const ORDER_FIELDS = ["name", "slots", "open_slots", "occupied_slots", "running_slots", "queued_slots"] as const;
import type { ApiApp, ApiContext } from "./context.ts";

const TAGS = ["Pool"];

function poolNotFound(name: string): UpdraftError {
  return new UpdraftError("UPDRAFT_POOL_NOT_FOUND", `Pool "${name}" does not exist`, { details: { pool: name } });
}

export function poolRoutes(app: ApiApp, { db }: ApiContext): void {
  const withUsage = async (row: PoolRow) => toPoolResponse(row, (await poolUsage(db, [row.name])).get(row.name));

  app.get(
    "/api/v1/pools",
    { schema: { tags: TAGS, summary: "List pools with their slot usage", querystring: OrderedPageQuery, response: { 200: PoolCollection, ...errorResponses } } },
    async (request) => {
      const orderBy = parseOrderBy(request.query.order_by, ORDER_FIELDS);
      const [rows, usage] = await Promise.all([listPools(db), poolUsage(db)]);
      // Pools are few (an operator's list), so they are sorted and paged here.
      const pools = rows.map((row) => toPoolResponse(row, usage.get(row.name)));
      if (orderBy !== undefined) {
        const sign = orderBy.descending ? -1 : 1;
        pools.sort((a, b) => {
          const x = a[orderBy.field];
          const y = b[orderBy.field];
          return sign * (typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y)));
        });
      }
      const offset = request.query.offset ?? 0;
      return { pools: pools.slice(offset, offset + (request.query.limit ?? 100)), total_entries: rows.length };
    },
  );

  app.post(
    "/api/v1/pools",
    {
      config: { access: "Admin" },
      schema: { tags: TAGS, summary: "Create a pool", body: PoolCreateBody, response: { 200: Pool, ...errorResponses } },
    },
    async (request) => {
      const row = await insertPool(db, request.body);
      if (row === undefined) {
        throw new UpdraftError("UPDRAFT_POOL_EXISTS", `Pool "${request.body.name}" already exists; PATCH it to change its slots`, {
          details: { pool: request.body.name },
        });
      }
      await audit(db, request, "pool_created", { extra: { pool: row.name, slots: row.slots } });
      return withUsage(row);
    },
  );

  app.get(
    "/api/v1/pools/:pool_name",
    { schema: { tags: TAGS, summary: "Get a pool", params: PoolParams, response: { 200: Pool, ...errorResponses } } },
    async (request) => {
      const row = await getPool(db, request.params.pool_name);
      if (row === undefined) throw poolNotFound(request.params.pool_name);
      return withUsage(row);
    },
  );

  app.patch(
    "/api/v1/pools/:pool_name",
    {
      config: { access: "Admin" },
      schema: { tags: TAGS, summary: "Change a pool's slots or description", params: PoolParams, querystring: UpdateMaskQuery, body: PoolPatchBody, response: { 200: Pool, ...errorResponses } },
    },
    async (request) => {
      const { name, include_deferred: _deferred, ...changes } = masked(request.body, request.query.update_mask);
      if (name !== undefined && name !== request.params.pool_name) {
        throw new UpdraftError("UPDRAFT_INVALID_INPUT", `body.name "${name}" differs from the pool in the path; pools cannot be renamed`, { details: { field: "name" } });
      }
      const row = await updatePool(db, request.params.pool_name, changes);
      if (row === undefined) throw poolNotFound(request.params.pool_name);
      // More slots may let queued work start now.
      await wakeScheduler(db, "pool_changed");
      await audit(db, request, "pool_patched", { extra: { pool: row.name, ...changes } });
      return withUsage(row);
    },
  );

  app.delete(
    "/api/v1/pools/:pool_name",
    {
      config: { access: "Admin" },
      schema: {
        tags: TAGS,
        summary: "Delete a pool (not default_pool)",
        params: PoolParams,
        response: { 204: Type.Null({ description: "Deleted" }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const name = request.params.pool_name;
      if (name === DEFAULT_POOL_NAME) {
        throw new UpdraftError("UPDRAFT_INVALID_INPUT", `"${DEFAULT_POOL_NAME}" cannot be deleted; every task without a pool uses it`);
      }
      if (!(await deletePool(db, name))) throw poolNotFound(name);
      await audit(db, request, "pool_deleted", { extra: { pool: name } });
      return reply.code(204).send(null);
    },
  );
}
