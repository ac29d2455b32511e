// Airflow's `update_mask` query parameter on PATCH: only the named fields of the body change.
import { UpdraftError } from "@updraft/core";

/** The body narrowed to the fields in the mask (all fields when there is none). */
export function masked<T extends object>(body: T, mask: readonly string[] | undefined): Partial<T> {
  if (mask === undefined) return body;
  const fields = mask.flatMap((m) => m.split(",")).map((m) => m.trim()).filter((m) => m !== "");
  const out: Partial<T> = {};
  for (const field of fields) {
    if (!(field in body)) {
      throw new UpdraftError("UPDRAFT_INVALID_INPUT", `update_mask names "${field}", which the body does not set`, { details: { field: "update_mask", value: field } });
    }
    out[field as keyof T] = body[field as keyof T];
  }
  return out;
}
