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
    slots: Type.Optional(Type.Integer({ minimum: 0 })),
    description: Type.Optional(nullable(Type.String())),
  },
  { additionalProperties: false },
);

export const User = Type.Object(
  {
    username: Type.String(),
    email: nullable(Type.String()),
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
