// Request and response schemas of connections, in Airflow's v1 shape: a list leaves out the
// password and extra; the password is write-only.
import { Type } from "typebox";
import { nullable, OrderByQuery, pageQuery } from "./common.ts";

const itemFields = {
  connection_id: Type.String(),
  conn_type: Type.String(),
  description: nullable(Type.String()),
  host: nullable(Type.String()),
  login: nullable(Type.String()),
  schema: nullable(Type.String()),
  port: nullable(Type.Integer()),
};

export const ConnectionItem = Type.Object(itemFields, { title: "ConnectionCollectionItem" });
export const Connection = Type.Object(
  {
    ...itemFields,
    extra: nullable(Type.String()),
    password: Type.Optional(nullable(Type.String({ description: "Only answered to the local CLI beside `updraft standalone`" }))),
  },
  { title: "Connection" },
);
export const ConnectionCollection = Type.Object({ connections: Type.Array(ConnectionItem), total_entries: Type.Integer() });

export const ConnectionBody = Type.Object(
  {
    connection_id: Type.String({ minLength: 1, maxLength: 250, pattern: "^[A-Za-z0-9_.-]+$" }),
    conn_type: Type.String({ minLength: 1 }),
    description: Type.Optional(nullable(Type.String())),
    host: Type.Optional(nullable(Type.String())),
    login: Type.Optional(nullable(Type.String())),
    schema: Type.Optional(nullable(Type.String())),
    port: Type.Optional(nullable(Type.Integer({ minimum: 0, maximum: 65535 }))),
    password: Type.Optional(nullable(Type.String())),
    extra: Type.Optional(nullable(Type.String({ description: "A JSON object as text" }))),
  },
  { additionalProperties: false },
);
export const ConnectionPatchBody = Type.Partial(ConnectionBody, { additionalProperties: false });
export const ConnectionParams = Type.Object({ connection_id: Type.String() });
export const ConnectionListQuery = Type.Object({ ...pageQuery, order_by: OrderByQuery }, { additionalProperties: false });
export const ConnectionTestResult = Type.Object({ status: Type.Boolean(), message: Type.String() }, { title: "ConnectionTest" });
