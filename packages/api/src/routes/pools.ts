// Pool routes. Anyone may read them; only Admins create, resize or delete. `default_pool` must
// always exist, since every task without an explicit pool uses it.
import { toPoolResponse } from "@updraft/api-contract";
import { UpdraftError } from "@updraft/core";
import { DEFAULT_POOL_NAME, deletePool, getPool, insertPool, listPools, poolUsage, updatePool, wakeScheduler, type PoolRow } from "@updraft/db";
import { Type } from "typebox";
import { Pool, PoolCollection, PoolCreateBody, PoolParams, PoolPatchBody } from "../schemas/admin.ts";
import { errorResponses } from "../schemas/common.ts";
import { PageQuery } from "../schemas/dags.ts";
import type { ApiApp, ApiContext } from "./context.ts";

const TAGS = ["Pool"];

function poolNotFound(name: string): UpdraftError {
  return new UpdraftError("UPDRAFT_POOL_NOT_FOUND", `Pool "${name}" does not exist`, { details: { pool: name } });
}

export function poolRoutes(app: ApiApp, { db }: ApiContext): void {
  const withUsage = async (row: PoolRow) => toPoolResponse(row, (await poolUsage(db, [row.name])).get(row.name));

  app.get(
    "/api/v1/pools",
    { schema: { tags: TAGS, summary: "List pools with their slot usage", querystring: PageQuery, response: { 200: PoolCollection, ...errorResponses } } },
    async (request) => {
      const [rows, usage] = await Promise.all([listPools(db), poolUsage(db)]);
      const offset = request.query.offset ?? 0;
      const page = rows.slice(offset, offset + (request.query.limit ?? 100));
      return { pools: page.map((row) => toPoolResponse(row, usage.get(row.name))), total_entries: rows.length };
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
      schema: { tags: TAGS, summary: "Change a pool's slots or description", params: PoolParams, body: PoolPatchBody, response: { 200: Pool, ...errorResponses } },
    },
    async (request) => {
      const row = await updatePool(db, request.params.pool_name, request.body);
      if (row === undefined) throw poolNotFound(request.params.pool_name);
      // More slots may let queued work start now.
      await wakeScheduler(db, "pool_changed");
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
      return reply.code(204).send(null);
    },
  );
}
