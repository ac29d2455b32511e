// Connection routes, as Airflow's `/api/v1/connections`: Op and Admin read and write (Airflow's
// Viewer has no access). The password is never answered over HTTP, except to the local CLI beside
// `updraft standalone` (its bearer token) so `updraft connections export` can round-trip.
import { UpdraftError } from "@updraft/core";
import {
  cipherFor,
  deleteConnection,
  getConnection,
  insertConnection,
  listConnections,
  updateConnection,
  type ConnectionRecord,
} from "@updraft/db";
import type { FastifyRequest } from "fastify";
import type { Static } from "typebox";
import { Type } from "typebox";
import { errorResponses } from "../schemas/common.ts";
import { parseOrderBy } from "./order-by.ts";
import {
  Connection,
  ConnectionBody,
  ConnectionCollection,
  ConnectionListQuery,
  ConnectionParams,
  ConnectionPatchBody,
  ConnectionTestResult,
} from "../schemas/connections.ts";
import { UpdateMaskQuery } from "../schemas/variables.ts";
import { testConnection } from "./connection-test.ts";
import type { ApiApp, ApiContext } from "./context.ts";
import { splitList } from "./query-lists.ts";

const TAGS = ["Connection"];

function connectionNotFound(connId: string): UpdraftError {
  return new UpdraftError("UPDRAFT_CONNECTION_NOT_FOUND", `Connection "${connId}" does not exist`, { details: { connId } });
}

function item(c: ConnectionRecord) {
  return { connection_id: c.connId, conn_type: c.connType, description: c.description, host: c.host, login: c.login, schema: c.schema, port: c.port };
}

function full(c: ConnectionRecord, request: FastifyRequest) {
  return { ...item(c), extra: c.extra, ...(request.user?.via === "token" ? { password: c.password } : {}) };
}

function fromBody(body: Static<typeof ConnectionBody>): ConnectionRecord {
  assertExtra(body.extra);
  return {
    connId: body.connection_id,
    connType: body.conn_type,
    description: body.description ?? null,
    host: body.host ?? null,
    schema: body.schema ?? null,
    login: body.login ?? null,
    password: body.password ?? null,
    port: body.port ?? null,
    extra: body.extra ?? null,
  };
}

function assertExtra(extra: string | null | undefined): void {
  if (extra === undefined || extra === null || extra === "") return;
  try {
    JSON.parse(extra);
  } catch {
    throw new UpdraftError("UPDRAFT_INVALID_INPUT", "body.extra must be JSON text");
  }
}

const PATCHABLE = ["conn_type", "description", "host", "login", "schema", "port", "password", "extra"] as const;

export function connectionRoutes(app: ApiApp, { db, config }: ApiContext): void {
  const cipher = cipherFor(config.fernetKey);

  app.get(
    "/api/v1/connections",
    {
      config: { access: "Op" },
      schema: { tags: TAGS, summary: "List connections (without passwords and extras)", querystring: ConnectionListQuery, response: { 200: ConnectionCollection, ...errorResponses } },
    },
    async (request) => {
      const orderBy = parseOrderBy(request.query.order_by, ["connection_id", "conn_type", "host"] as const);
      const page = await listConnections(db, cipher, { limit: request.query.limit ?? 100, offset: request.query.offset ?? 0, orderBy });
      return { connections: page.connections.map(item), total_entries: page.total };
    },
  );

  app.post(
    "/api/v1/connections",
    { config: { access: "Op" }, schema: { tags: TAGS, summary: "Create a connection", body: ConnectionBody, response: { 200: Connection, ...errorResponses } } },
    async (request) => full(await insertConnection(db, fromBody(request.body), cipher), request),
  );

  app.post(
    "/api/v1/connections/test",
    {
      config: { access: "Op" },
      schema: {
        tags: TAGS,
        summary: "Test a connection (postgres, redis, http); without a password, a stored connection's own is used",
        body: ConnectionBody,
        response: { 200: ConnectionTestResult, ...errorResponses },
      },
    },
    async (request) => {
      const fields = fromBody(request.body);
      // The dashboard never receives a stored password, so its edit form tests with the stored one
      // unless a new one was typed (an explicit null tests without a password).
      if (request.body.password === undefined) {
        const stored = await getConnection(db, fields.connId, cipher);
        if (stored) fields.password = stored.password;
      }
      return testConnection(fields);
    },
  );

  app.get(
    "/api/v1/connections/:connection_id",
    { config: { access: "Op" }, schema: { tags: TAGS, summary: "Get a connection", params: ConnectionParams, response: { 200: Connection, ...errorResponses } } },
    async (request) => {
      const found = await getConnection(db, request.params.connection_id, cipher);
      if (!found) throw connectionNotFound(request.params.connection_id);
      return full(found, request);
    },
  );

  app.patch(
    "/api/v1/connections/:connection_id",
    {
      config: { access: "Op" },
      schema: {
        tags: TAGS,
        summary: "Change a connection (update_mask names the fields)",
        params: ConnectionParams,
        querystring: UpdateMaskQuery,
        body: ConnectionPatchBody,
        response: { 200: Connection, ...errorResponses },
      },
    },
    async (request) => {
      const connId = request.params.connection_id;
      const body = request.body;
      if (body.connection_id !== undefined && body.connection_id !== connId) {
        throw new UpdraftError("UPDRAFT_INVALID_INPUT", `body.connection_id "${body.connection_id}" differs from the path's "${connId}"`);
      }
      const found = await getConnection(db, connId, cipher);
      if (!found) throw connectionNotFound(connId);
      const mask = request.query.update_mask === undefined ? undefined : splitList(request.query.update_mask);
      for (const field of mask ?? []) {
        if (!(PATCHABLE as readonly string[]).includes(field)) throw new UpdraftError("UPDRAFT_INVALID_INPUT", `update_mask: unknown field "${field}"`);
      }
      const wants = (field: (typeof PATCHABLE)[number]) => (mask === undefined ? body[field] !== undefined : mask.includes(field));
      assertExtra(body.extra);
      const next: ConnectionRecord = {
        connId,
        connType: wants("conn_type") && body.conn_type ? body.conn_type : found.connType,
        description: wants("description") ? (body.description ?? null) : found.description,
        host: wants("host") ? (body.host ?? null) : found.host,
        login: wants("login") ? (body.login ?? null) : found.login,
        schema: wants("schema") ? (body.schema ?? null) : found.schema,
        port: wants("port") ? (body.port ?? null) : found.port,
        password: wants("password") ? (body.password ?? null) : found.password,
        extra: wants("extra") ? (body.extra ?? null) : found.extra,
      };
      return full((await updateConnection(db, next, cipher))!, request);
    },
  );

  app.delete(
    "/api/v1/connections/:connection_id",
    {
      config: { access: "Op" },
      schema: { tags: TAGS, summary: "Delete a connection", params: ConnectionParams, response: { 204: Type.Null({ description: "Deleted" }), ...errorResponses } },
    },
    async (request, reply) => {
      if (!(await deleteConnection(db, request.params.connection_id))) throw connectionNotFound(request.params.connection_id);
      return reply.code(204).send(null);
    },
  );
}
