// The user actions, each one call of the REST API in Airflow's v1 shape (see
// /api/v1/openapi.json): clear and mark runs and task instances, manage pools and users.
import { api, path } from "./client.ts";
import type { Connection, ConnectionTestResult, DagRun, Pool, Role, User, Variable } from "./types.ts";

/** Which related task instances an action on one task instance also touches, as in Airflow's dialogs. */
export interface Relatives {
  upstream: boolean;
  downstream: boolean;
  past: boolean;
  future: boolean;
}

export const NO_RELATIVES: Relatives = { upstream: false, downstream: false, past: false, future: false };

// Only the options that are set go out: an omitted include_* means false in the spec.
function includeFlags(r: Relatives): Record<string, boolean> {
  const out: Record<string, boolean> = {};
  if (r.upstream) out.include_upstream = true;
  if (r.downstream) out.include_downstream = true;
  if (r.past) out.include_past = true;
  if (r.future) out.include_future = true;
  return out;
}

export interface AffectedTaskInstances {
  task_instances: Array<{ task_id: string; dag_run_id: string; state?: string | null }>;
}

/** POST /dags/{dag_id}/clearTaskInstances: the task instance (and relatives) run again. `dryRun` lists them only. */
export const clearTaskInstance = (dagId: string, runId: string, taskId: string, relatives: Relatives, dryRun = false) =>
  api<AffectedTaskInstances>(path`/api/v1/dags/${dagId}/clearTaskInstances`, {
    method: "POST",
    body: { dag_run_id: runId, task_ids: [taskId], dry_run: dryRun, only_failed: false, ...includeFlags(relatives) },
  });

/** POST /dags/{dag_id}/updateTaskInstancesState: mark the task instance (and relatives) success, failed or skipped. */
export const markTaskInstance = (dagId: string, runId: string, taskId: string, state: "success" | "failed", relatives: Relatives, dryRun = false) =>
  api<AffectedTaskInstances>(path`/api/v1/dags/${dagId}/updateTaskInstancesState`, {
    method: "POST",
    body: { dag_run_id: runId, task_id: taskId, new_state: state, dry_run: dryRun, ...includeFlags(relatives) },
  });

/** POST /dags/{dag_id}/dagRuns/{dag_run_id}/clear: every task instance of the run runs again. */
export const clearDagRun = (dagId: string, runId: string) =>
  api<unknown>(path`/api/v1/dags/${dagId}/dagRuns/${runId}/clear`, { method: "POST", body: { dry_run: false } });

/** PATCH /dags/{dag_id}/dagRuns/{dag_run_id}: mark the run success or failed. */
export const markDagRun = (dagId: string, runId: string, state: "success" | "failed") =>
  api<DagRun>(path`/api/v1/dags/${dagId}/dagRuns/${runId}`, { method: "PATCH", body: { state } });

/** DELETE /dags/{dag_id}/dagRuns/{dag_run_id}. */
export const deleteDagRun = (dagId: string, runId: string) => api<void>(path`/api/v1/dags/${dagId}/dagRuns/${runId}`, { method: "DELETE" });

export interface PoolInput {
  name: string;
  slots: number;
  description: string | null;
}

export const createPool = (pool: PoolInput) => api<Pool>("/api/v1/pools", { method: "POST", body: pool });

/** PATCH /pools/{pool_name} with an update_mask of the fields sent. */
export const updatePool = (name: string, changes: { slots: number; description: string | null }) =>
  api<Pool>(`${path`/api/v1/pools/${name}`}?update_mask=slots,description`, { method: "PATCH", body: changes });

export const deletePool = (name: string) => api<void>(path`/api/v1/pools/${name}`, { method: "DELETE" });

export const getUser = (username: string) => api<User>(path`/api/v1/users/${username}`);

/** PATCH /users/{username}: only the fields named in update_mask change (Airflow's `roles` list for the role). */
export function updateUser(username: string, changes: { email?: string; role?: Role; password?: string }) {
  const body: Record<string, unknown> = {};
  const mask: string[] = [];
  if (changes.email !== undefined) {
    body.email = changes.email;
    mask.push("email");
  }
  if (changes.role !== undefined) {
    body.roles = [{ name: changes.role }];
    mask.push("roles");
  }
  if (changes.password !== undefined) {
    body.password = changes.password;
    mask.push("password");
  }
  return api<User>(`${path`/api/v1/users/${username}`}?update_mask=${mask.join(",")}`, { method: "PATCH", body });
}

export const deleteUser = (username: string) => api<void>(path`/api/v1/users/${username}`, { method: "DELETE" });

/** A user's role, from Airflow's `roles` list or Updraft's `role`. */
export const roleOf = (user: User): Role => user.roles?.[0]?.name ?? user.role;

/** POST /variables creates or replaces; the value is text (JSON is stored as its text, as Airflow does). */
export const saveVariable = (variable: { key: string; value: string; description: string | null }) =>
  api<Variable>("/api/v1/variables", { method: "POST", body: variable });

export const deleteVariable = (key: string) => api<void>(path`/api/v1/variables/${key}`, { method: "DELETE" });

/** The editable fields of a connection. `password` undefined means "leave it as it is". */
export interface ConnectionInput {
  connection_id: string;
  conn_type: string;
  description: string | null;
  host: string | null;
  login: string | null;
  schema: string | null;
  port: number | null;
  extra: string | null;
  password?: string | null;
}

export const createConnection = (input: ConnectionInput) => api<Connection>("/api/v1/connections", { method: "POST", body: input });

/** PATCH with an update_mask naming what is sent: the password only when a new one was typed. */
export function updateConnection(input: ConnectionInput) {
  const { connection_id: id, ...fields } = input;
  const body: Record<string, unknown> = { ...fields };
  if (input.password === undefined) delete body.password;
  return api<Connection>(`${path`/api/v1/connections/${id}`}?update_mask=${Object.keys(body).join(",")}`, { method: "PATCH", body });
}

export const deleteConnection = (id: string) => api<void>(path`/api/v1/connections/${id}`, { method: "DELETE" });

/** POST /connections/test with the form's fields (a stored password is not sent back by the API). */
export const testConnection = (input: ConnectionInput) => api<ConnectionTestResult>("/api/v1/connections/test", { method: "POST", body: input });
