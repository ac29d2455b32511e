// Writes the audit log (Airflow's `log` table) for user actions. The owner is the caller as
// authenticated; `extra` keeps the request's relevant fields (never a password).
import { recordEvent, type NewEventLog, type UpdraftDb } from "@updraft/db";
import type { FastifyRequest } from "fastify";

/** Audit event names, as Airflow's REST API records them where it has the action. */
export type AuditEvent =
  | "trigger"
  | "clear"
  | "dag_run_patched"
  | "dag_run_deleted"
  | "task_instance_marked"
  | "task_instances_state_updated"
  | "paused"
  | "unpaused"
  | "dag_deleted"
  | "backfill"
  | "pool_created"
  | "pool_patched"
  | "pool_deleted"
  | "user_created"
  | "user_patched"
  | "user_deleted"
  | "login_failed";

/** Records who (the request's user) did `event` to what. */
export async function audit(db: UpdraftDb, request: FastifyRequest, event: AuditEvent, what: Omit<NewEventLog, "event" | "owner"> = {}): Promise<void> {
  await recordEvent(db, { ...what, event, owner: request.user?.username ?? null });
}
