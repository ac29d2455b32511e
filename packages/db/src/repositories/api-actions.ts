// Writes behind Airflow's REST API actions that the scheduler's own repositories do not cover:
// setting a run's state (PATCH dagRuns), deleting a run or a DAG's records, and editing or
// deleting users. Each is one transaction.
import { UpdraftError, type UserRole } from "@updraft/core";
import { and, eq, inArray, isNull, notInArray, or, type SQL } from "drizzle-orm";
import type { UpdraftDb } from "../client.ts";
import { dagRuns, type DagRunRow } from "../schema/dag-runs.ts";
import { dags } from "../schema/dags.ts";
import { sessions } from "../schema/sessions.ts";
import { taskInstances } from "../schema/task-instances.ts";
import { users, type UserRow } from "../schema/users.ts";

const FINISHED = ["success", "failed", "skipped", "upstream_failed", "removed"] as const;

function unfinished(): SQL {
  return or(isNull(taskInstances.state), notInArray(taskInstances.state, [...FINISHED]))!;
}

/**
 * Sets a run's state as Airflow's `PATCH /dags/{id}/dagRuns/{run}` does:
 * - `success`: the run and every unfinished task instance become success;
 * - `failed`: running task instances become failed, other unfinished ones skipped, the run failed;
 * - `queued`: the run goes back to queued (task instances are left as they are).
 * Returns the updated run, or undefined when it does not exist.
 */
export async function setDagRunState(
  db: UpdraftDb,
  key: { dagId: string; runId: string },
  state: "success" | "failed" | "queued",
  now: Date = new Date(),
): Promise<DagRunRow | undefined> {
  return db.transaction(async (tx) => {
    const ofRun = and(eq(taskInstances.dagId, key.dagId), eq(taskInstances.runId, key.runId))!;
    if (state === "success") {
      await tx.update(taskInstances).set({ state: "success", nextRetryAt: null, endDate: now }).where(and(ofRun, unfinished()));
    } else if (state === "failed") {
      await tx.update(taskInstances).set({ state: "failed", nextRetryAt: null, endDate: now }).where(and(ofRun, eq(taskInstances.state, "running")));
      await tx.update(taskInstances).set({ state: "skipped", nextRetryAt: null, endDate: now }).where(and(ofRun, unfinished()));
    }
    const [row] = await tx
      .update(dagRuns)
      .set(state === "queued" ? { state, endDate: null, queuedAt: now } : { state, endDate: now })
      .where(and(eq(dagRuns.dagId, key.dagId), eq(dagRuns.runId, key.runId)))
      .returning();
    return row;
  });
}

/** Deletes a run with its task instances, tries, XCom and logs (by cascade). False when absent. */
export async function deleteDagRun(db: UpdraftDb, key: { dagId: string; runId: string }): Promise<boolean> {
  const rows = await db
    .delete(dagRuns)
    .where(and(eq(dagRuns.dagId, key.dagId), eq(dagRuns.runId, key.runId)))
    .returning({ id: dagRuns.id });
  return rows.length > 0;
}

/**
 * Deletes a DAG's records (the DAG row, its runs and everything under them), as Airflow's
 * `DELETE /dags/{id}`: the file stays, so the DAG comes back, empty, at the next parse.
 * @throws UpdraftError UPDRAFT_DAG_NOT_FOUND when absent; UPDRAFT_CONFLICT while task instances of it are queued or running.
 */
export async function deleteDagRecords(db: UpdraftDb, dagId: string): Promise<void> {
  await db.transaction(async (tx) => {
    const [dag] = await tx.select({ dagId: dags.dagId }).from(dags).where(eq(dags.dagId, dagId)).for("update");
    if (dag === undefined) throw new UpdraftError("UPDRAFT_DAG_NOT_FOUND", `DAG "${dagId}" not found`, { details: { dagId } });
    const [busy] = await tx
      .select({ taskId: taskInstances.taskId })
      .from(taskInstances)
      .where(and(eq(taskInstances.dagId, dagId), inArray(taskInstances.state, ["queued", "running"])))
      .limit(1);
    if (busy !== undefined) {
      throw new UpdraftError("UPDRAFT_CONFLICT", `DAG "${dagId}" has task instances queued or running; wait for them or mark them first`, {
        details: { dagId },
      });
    }
    await tx.delete(dags).where(eq(dags.dagId, dagId));
  });
}

export interface UserChanges {
  email?: string | null | undefined;
  role?: UserRole | undefined;
  /** Already hashed by the caller. */
  passwordHash?: string | undefined;
}

/**
 * Updates a user; a new password or role ends the user's sessions, so it takes effect everywhere.
 * Returns the updated row, or undefined when there is no such user.
 */
export async function updateUser(db: UpdraftDb, username: string, changes: UserChanges): Promise<UserRow | undefined> {
  return db.transaction(async (tx) => {
    const set: Partial<UserRow> = {};
    if (changes.email !== undefined) set.email = changes.email;
    if (changes.role !== undefined) set.role = changes.role;
    if (changes.passwordHash !== undefined) set.passwordHash = changes.passwordHash;
    const [row] =
      Object.keys(set).length === 0
        ? await tx.select().from(users).where(eq(users.username, username))
        : await tx.update(users).set(set).where(eq(users.username, username)).returning();
    if (row !== undefined && (changes.passwordHash !== undefined || changes.role !== undefined)) {
      await tx.delete(sessions).where(eq(sessions.userId, row.id));
    }
    return row;
  });
}

/** Deletes a user and its sessions (by cascade). False when absent. */
export async function deleteUser(db: UpdraftDb, username: string): Promise<boolean> {
  const rows = await db.delete(users).where(eq(users.username, username)).returning({ id: users.id });
  return rows.length > 0;
}
