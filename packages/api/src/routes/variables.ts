// Variable routes, as Airflow's `/api/v1/variables`: Op and Admin read and write (Airflow's
// Viewer has no access to variables); a list leaves values out, as Airflow's does.
import { UpdraftError } from "@updraft/core";
import { cipherFor, deleteVariable, getVariable, listVariables, setVariable, type Variable as StoredVariable } from "@updraft/db";
import { Type } from "typebox";
import { errorResponses } from "../schemas/common.ts";
import { parseOrderBy } from "./order-by.ts";
import { UpdateMaskQuery, Variable, VariableBody, VariableCollection, VariableListQuery, VariableParams, VariablePatchBody } from "../schemas/variables.ts";
import type { ApiApp, ApiContext } from "./context.ts";
import { splitList } from "./query-lists.ts";

const TAGS = ["Variable"];

function variableNotFound(key: string): UpdraftError {
  return new UpdraftError("UPDRAFT_VARIABLE_NOT_FOUND", `Variable "${key}" does not exist`, { details: { key } });
}

function toResponse(v: StoredVariable) {
  return { key: v.key, value: v.value ?? "", description: v.description };
}

export function variableRoutes(app: ApiApp, { db, config }: ApiContext): void {
  const cipher = cipherFor(config.fernetKey);

  app.get(
    "/api/v1/variables",
    {
      config: { access: "Op" },
      schema: { tags: TAGS, summary: "List variables (without their values)", querystring: VariableListQuery, response: { 200: VariableCollection, ...errorResponses } },
    },
    async (request) => {
      const orderBy = parseOrderBy(request.query.order_by, ["key", "description"] as const);
      const page = await listVariables(db, cipher, { limit: request.query.limit ?? 100, offset: request.query.offset ?? 0, orderBy });
      return { variables: page.variables.map((v) => ({ key: v.key, description: v.description })), total_entries: page.total };
    },
  );

  app.post(
    "/api/v1/variables",
    { config: { access: "Op" }, schema: { tags: TAGS, summary: "Create or replace a variable", body: VariableBody, response: { 200: Variable, ...errorResponses } } },
    async (request) => toResponse(await setVariable(db, request.body, cipher)),
  );

  app.get(
    "/api/v1/variables/:variable_key",
    { config: { access: "Op" }, schema: { tags: TAGS, summary: "Get a variable", params: VariableParams, response: { 200: Variable, ...errorResponses } } },
    async (request) => {
      const found = await getVariable(db, request.params.variable_key, cipher);
      if (!found) throw variableNotFound(request.params.variable_key);
      return toResponse(found);
    },
  );

  app.patch(
    "/api/v1/variables/:variable_key",
    {
      config: { access: "Op" },
      schema: {
        tags: TAGS,
        summary: "Change a variable's value or description (update_mask names the fields)",
        params: VariableParams,
        querystring: UpdateMaskQuery,
        body: VariablePatchBody,
        response: { 200: Variable, ...errorResponses },
      },
    },
    async (request) => {
      const key = request.params.variable_key;
      const body = request.body;
      if (body.key !== undefined && body.key !== key) {
        throw new UpdraftError("UPDRAFT_INVALID_INPUT", `body.key "${body.key}" differs from the path's "${key}"; a variable cannot be renamed`);
      }
      const found = await getVariable(db, key, cipher);
      if (!found) throw variableNotFound(key);
      const mask = request.query.update_mask === undefined ? undefined : splitList(request.query.update_mask);
      const wants = (field: "value" | "description") => (mask === undefined ? body[field] !== undefined : mask.includes(field));
      for (const field of mask ?? []) {
        if (field !== "value" && field !== "description") throw new UpdraftError("UPDRAFT_INVALID_INPUT", `update_mask: unknown field "${field}"`);
      }
      const value = wants("value") ? body.value : found.value;
      if (value === undefined || value === null) throw new UpdraftError("UPDRAFT_INVALID_INPUT", "body.value is required by update_mask");
      const description = wants("description") ? (body.description ?? null) : found.description;
      return toResponse(await setVariable(db, { key, value, description }, cipher));
    },
  );

  app.delete(
    "/api/v1/variables/:variable_key",
    {
      config: { access: "Op" },
      schema: { tags: TAGS, summary: "Delete a variable", params: VariableParams, response: { 204: Type.Null({ description: "Deleted" }), ...errorResponses } },
    },
    async (request, reply) => {
      if (!(await deleteVariable(db, request.params.variable_key))) throw variableNotFound(request.params.variable_key);
      return reply.code(204).send(null);
    },
  );
}
