// User management over the API, for Admins only: list, create, read, change (email, role,
// password) and delete, and the three roles (read only). Passwords are hashed here (argon2id) and
// the hash never appears in a response: the response schema has no field for it. A new password
// or role ends the user's sessions and forgets cached Basic logins, so it applies at once.
import { toUserResponse } from "@updraft/api-contract";
import { hashPassword } from "@updraft/auth";
import { UpdraftError, USER_ROLES, type UserRole } from "@updraft/core";
import { createUser, deleteUser, findUserByUsername, listUsers, updateUser } from "@updraft/db";
import { Type } from "typebox";
import { audit } from "../audit.ts";
import type { BasicVerifier } from "../auth/basic-credentials.ts";
import { Role, RoleCollection, RoleParams, UpdateMaskQuery, User, UserCollection, UserCreateBody, UserParams, UserPatchBody } from "../schemas/admin.ts";
import { errorResponses } from "../schemas/common.ts";
import { OrderedPageQuery, PageQuery } from "../schemas/dags.ts";
import { masked } from "./update-mask.ts";
import type { ApiApp, ApiContext } from "./context.ts";

function userNotFound(username: string): UpdraftError {
  return new UpdraftError("UPDRAFT_USER_NOT_FOUND", `User "${username}" does not exist`, { details: { username } });
}

/** What each role may do, in Airflow's action/resource words. */
const ROLE_ACTIONS: Record<UserRole, Array<{ action: { name: string }; resource: { name: string } }>> = {
  Viewer: ["DAGs", "DAG Runs", "Task Instances", "Pools", "Import Errors", "Task Logs", "XComs", "Audit Logs"].map((r) => ({ action: { name: "can_read" }, resource: { name: r } })),
  Op: [
    ...["DAGs", "DAG Runs", "Task Instances"].map((r) => ({ action: { name: "can_edit" }, resource: { name: r } })),
    { action: { name: "can_create" }, resource: { name: "DAG Runs" } },
    { action: { name: "can_delete" }, resource: { name: "DAG Runs" } },
  ],
  Admin: ["Users", "Pools", "Configurations"].flatMap((r) => ["can_read", "can_edit", "can_create", "can_delete"].map((a) => ({ action: { name: a }, resource: { name: r } }))),
};

/** A role with its own actions and those of the roles below it. */
function toRole(name: UserRole) {
  const below = USER_ROLES.slice(USER_ROLES.indexOf(name)); // USER_ROLES runs from Admin down to Viewer
  return { name, actions: below.flatMap((r) => ROLE_ACTIONS[r]) };
}

export function userRoutes(app: ApiApp, { db }: ApiContext, verifier: BasicVerifier): void {
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
      await audit(db, request, "user_created", { extra: { username, role } });
      return toUserResponse(row);
    },
  );

  app.get(
    "/api/v1/users/:username",
    { config: { access: "Admin" }, schema: { tags: ["User"], summary: "Get a user", params: UserParams, response: { 200: User, ...errorResponses } } },
    async (request) => {
      const row = await findUserByUsername(db, request.params.username);
      if (row === undefined) throw userNotFound(request.params.username);
      return toUserResponse(row);
    },
  );

  app.patch(
    "/api/v1/users/:username",
    {
      config: { access: "Admin" },
      schema: {
        tags: ["User"],
        summary: "Change a user's email, role or password (a new role or password logs the user out)",
        params: UserParams,
        querystring: UpdateMaskQuery,
        body: UserPatchBody,
        response: { 200: User, ...errorResponses },
      },
    },
    async (request) => {
      const username = request.params.username;
      const body = masked(request.body, request.query.update_mask);
      if (body.username !== undefined && body.username !== username) {
        throw new UpdraftError("UPDRAFT_INVALID_INPUT", `body.username "${body.username}" differs from the user in the path; users cannot be renamed`, { details: { field: "username" } });
      }
      const role = body.role ?? body.roles?.[0]?.name;
      if (body.role !== undefined && body.roles !== undefined && body.roles[0]?.name !== body.role) {
        throw new UpdraftError("UPDRAFT_INVALID_INPUT", "body.role and body.roles name different roles; send one of them", { details: { field: "roles" } });
      }
      if (role !== undefined && role !== "Admin" && username === request.user?.username) {
        throw new UpdraftError("UPDRAFT_INVALID_INPUT", "You cannot take the Admin role from yourself; ask another Admin", { details: { field: "role" } });
      }
      const row = await updateUser(db, username, {
        email: body.email,
        role,
        passwordHash: body.password === undefined ? undefined : await hashPassword(body.password),
      });
      if (row === undefined) throw userNotFound(username);
      verifier.forget(username);
      const changed = [body.email !== undefined && "email", role !== undefined && "role", body.password !== undefined && "password"].filter((f) => f !== false);
      await audit(db, request, "user_patched", { extra: { username, changed, ...(role === undefined ? {} : { role }) } });
      return toUserResponse(row);
    },
  );

  app.delete(
    "/api/v1/users/:username",
    {
      config: { access: "Admin" },
      schema: { tags: ["User"], summary: "Delete a user and end its sessions", params: UserParams, response: { 204: Type.Null({ description: "Deleted" }), ...errorResponses } },
    },
    async (request, reply) => {
      const username = request.params.username;
      if (username === request.user?.username) {
        throw new UpdraftError("UPDRAFT_INVALID_INPUT", "You cannot delete your own account; ask another Admin", { details: { field: "username" } });
      }
      if (!(await deleteUser(db, username))) throw userNotFound(username);
      verifier.forget(username);
      await audit(db, request, "user_deleted", { extra: { username } });
      return reply.code(204).send(null);
    },
  );

  app.get(
    "/api/v1/roles",
    { config: { access: "Admin" }, schema: { tags: ["Role"], summary: "List the roles (fixed: Viewer, Op, Admin)", querystring: OrderedPageQuery, response: { 200: RoleCollection, ...errorResponses } } },
    async (request) => {
      const offset = request.query.offset ?? 0;
      const roles = [...USER_ROLES].map(toRole);
      if (request.query.order_by === "-name") roles.reverse();
      return { roles: roles.slice(offset, offset + (request.query.limit ?? 100)), total_entries: roles.length };
    },
  );

  app.get(
    "/api/v1/roles/:role_name",
    { config: { access: "Admin" }, schema: { tags: ["Role"], summary: "Get a role", params: RoleParams, response: { 200: Role, ...errorResponses } } },
    async (request) => {
      const name = USER_ROLES.find((r) => r === request.params.role_name);
      if (name === undefined) {
        throw new UpdraftError("UPDRAFT_ROLE_NOT_FOUND", `Role "${request.params.role_name}" does not exist`, { details: { role: request.params.role_name } });
      }
      return toRole(name);
    },
  );
}
