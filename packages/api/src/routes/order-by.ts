// Airflow's `order_by` query parameter: a field name, with `-` in front for descending order.
// Unknown fields are a 400 naming the allowed ones.
import { UpdraftError } from "@updraft/core";

export function parseOrderBy<F extends string>(value: string | undefined, allowed: readonly F[]): { field: F; descending: boolean } | undefined {
  if (value === undefined || value === "") return undefined;
  const descending = value.startsWith("-");
  const field = (descending ? value.slice(1) : value) as F;
  if (!allowed.includes(field)) {
    throw new UpdraftError("UPDRAFT_INVALID_INPUT", `querystring.order_by "${value}" is not a field to sort by; use ${allowed.join(", ")} (prefix - for descending)`, {
      details: { field: "order_by", value },
    });
  }
  return { field, descending };
}
