// User management over the API, for Admins only. Passwords are hashed here (argon2id) and the
// hash never appears in a response: the response schema has no field for it.
import { toUserResponse } from "@updraft/api-contract";
import { hashPassword } from "@updraft/auth";
import { createUser, listUsers } from "@updraft/db";
import { User, UserCollection, UserCreateBody } from "../schemas/admin.ts";
import { errorResponses } from "../schemas/common.ts";
import { PageQuery } from "../schemas/dags.ts";
import type { ApiApp, ApiContext } from "./context.ts";

export function userRoutes(app: ApiApp, { db }: ApiContext): void {
  app.get(
    "/api/v1/users",
    {
      config: { access: "Admin" },
      schema: { tags: ["User"], summary: "List users", querystring: PageQuery, response: { 200: UserCollection, ...errorResponses } },
    },
    async (request) => {
      const rows = await listUsers(db);
      const offset = request.query.offset ?? 0;
      return { users: rows.slice(offset, offset + (request.query.limit ?? 100)).map(toUserResponse), total_entries: rows.length };
    },
  );

  app.post(
    "/api/v1/users",
    {
      config: { access: "Admin" },
      schema: { tags: ["User"], summary: "Create a user", body: UserCreateBody, response: { 200: User, ...errorResponses } },
    },
    async (request) => {
      const { username, password, role, email } = request.body;
      const row = await createUser(db, { username, passwordHash: await hashPassword(password), role, email: email ?? null });
      return toUserResponse(row);
    },
  );
}
