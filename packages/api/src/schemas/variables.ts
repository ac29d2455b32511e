// Request and response schemas of variables, in Airflow's v1 shape (a list leaves out values).
import { Type } from "typebox";
import { nullable, OrderByQuery, pageQuery } from "./common.ts";

export const VariableItem = Type.Object({ key: Type.String(), description: nullable(Type.String()) }, { title: "VariableCollectionItem" });
export const Variable = Type.Object(
  { key: Type.String(), value: Type.String(), description: nullable(Type.String()) },
  { title: "Variable" },
);
export const VariableCollection = Type.Object({ variables: Type.Array(VariableItem), total_entries: Type.Integer() });
export const VariableBody = Type.Object(
  {
    key: Type.String({ minLength: 1, maxLength: 250 }),
    value: Type.String(),
    description: Type.Optional(nullable(Type.String())),
  },
  { additionalProperties: false },
);
export const VariablePatchBody = Type.Object(
  {
    key: Type.Optional(Type.String({ minLength: 1, maxLength: 250 })),
    value: Type.Optional(Type.String()),
    description: Type.Optional(nullable(Type.String())),
  },
  { additionalProperties: false },
);
export const VariableParams = Type.Object({ variable_key: Type.String() });
export const VariableListQuery = Type.Object({ ...pageQuery, order_by: OrderByQuery }, { additionalProperties: false });
export const UpdateMaskQuery = Type.Object(
  { update_mask: Type.Optional(Type.Array(Type.String(), { description: "Fields to update; repeat or comma-separate" })) },
  { additionalProperties: false },
);
