// Request and response schemas of the Admin-managed resources: pools and users.
import { USER_ROLES } from "@updraft/core";
import { Type } from "typebox";
import { DateTime, nullable, NullableDateTime } from "./common.ts";

export const Pool = Type.Object(
  {
    name: Type.String(),
    slots: Type.Integer(),
    description: nullable(Type.String()),
    occupied_slots: Type.Integer(),
    running_slots: Type.Integer(),
    queued_slots: Type.Integer(),
    open_slots: Type.Integer(),
  },
  { title: "Pool" },
);

export const PoolCollection = Type.Object({ pools: Type.Array(Pool), total_entries: Type.Integer() });

export const PoolParams = Type.Object({ pool_name: Type.String() });

export const UpdateMaskQuery = Type.Object(
  { update_mask: Type.Optional(Type.Array(Type.String(), { description: "Fields to change; all given fields when absent" })) },
  { additionalProperties: false },
);

export const PoolCreateBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 256 }),
    slots: Type.Integer({ minimum: 0 }),
    description: Type.Optional(nullable(Type.String())),
  },
  { additionalProperties: false },
);

export const PoolPatchBody = Type.Object(
  {
    name: Type.Optional(Type.String({ description: "Must equal the path's; renaming is not supported" })),
    include_deferred: Type.Optional(Type.Boolean({ description: "Accepted for Airflow clients; Updraft has no deferred state" })),
    slots: Type.Optional(Type.Integer({ minimum: 0 })),
    description: Type.Optional(nullable(Type.String())),
  },
  { additionalProperties: false },
);

export const User = Type.Object(
  {
    username: Type.String(),
    email: Type.String({ description: "<username>@users.updraft.invalid when none was given" }),
    first_name: Type.String(),
    last_name: Type.String(),
    active: Type.Boolean(),
    role: Type.Enum([...USER_ROLES]),
    roles: Type.Array(Type.Object({ name: Type.Enum([...USER_ROLES]) })),
    created_on: DateTime,
    last_login: NullableDateTime,
  },
  { title: "User" },
);

export const UserCollection = Type.Object({ users: Type.Array(User), total_entries: Type.Integer() });

export const UserCreateBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 256, pattern: "^\\S+$" }),
    password: Type.String({ minLength: 1 }),
    role: Type.Enum([...USER_ROLES]),
    email: Type.Optional(Type.String({ format: "email" })),
  },
  { additionalProperties: false },
);

export const Health = Type.Object({
  metadatabase: Type.Object({ status: Type.Enum(["healthy", "unhealthy"]) }),
  scheduler: Type.Object({
    status: Type.Enum(["healthy", "unhealthy"]),
    latest_scheduler_heartbeat: NullableDateTime,
  }),
  /** Present with the distributed executor: whether Redis answers. */
  broker: Type.Optional(Type.Object({ status: Type.Enum(["healthy", "unhealthy"]) })),
});

export const UserParams = Type.Object({ username: Type.String() });

export const UserPatchBody = Type.Object(
  {
    username: Type.Optional(Type.String({ description: "Must equal the path's; renaming is not supported" })),
    email: Type.Optional(Type.String({ format: "email" })),
    password: Type.Optional(Type.String({ minLength: 1 })),
    role: Type.Optional(Type.Enum([...USER_ROLES])),
    roles: Type.Optional(Type.Array(Type.Object({ name: Type.Enum([...USER_ROLES]) }), { minItems: 1, maxItems: 1, description: "Airflow's form: exactly one role" })),
    first_name: Type.Optional(Type.String()),
    last_name: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

const RoleAction = Type.Object({ action: Type.Object({ name: Type.String() }), resource: Type.Object({ name: Type.String() }) });

export const Role = Type.Object({ name: Type.Enum([...USER_ROLES]), actions: Type.Array(RoleAction) }, { title: "Role" });

export const RoleCollection = Type.Object({ roles: Type.Array(Role), total_entries: Type.Integer() });

export const RoleParams = Type.Object({ role_name: Type.String() });
