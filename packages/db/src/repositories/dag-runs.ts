// DAG runs: created by triggers, schedules and backfills (always `queued`; the scheduler starts
// them under the DAG's max active runs), and read by the API and CLI.
import { UpdraftError, validateManualRunId, validateRunParams, type DagRunState, type DagRunType } from "@updraft/core";
import { and, count, desc, eq, inArray, type SQL } from "drizzle-orm";
import type { UpdraftDb } from "../client.ts";
import { wakeScheduler } from "../notify.ts";
import { isUniqueViolation } from "../pg-errors.ts";
import { dagRuns, type DagRunRow } from "../schema/dag-runs.ts";
import { dags } from "../schema/dags.ts";

export interface NewDagRun {
  dagId: string;
  /** Defaults to `<runType>__<logical date ISO>`, as Airflow names runs. */
  runId?: string | undefined;
  runType: DagRunType;
  conf?: Record<string, unknown>;
  logicalDate: Date;
  dataIntervalStart?: Date | null;
  dataIntervalEnd?: Date | null;
  /** A note on the run (Airflow's `note` on POST dagRuns). */
  note?: string | null;
}

export function defaultRunId(runType: DagRunType, logicalDate: Date): string {
  return `${runType}__${logicalDate.toISOString()}`;
}

/**
 * Inserts a queued run.
 * A manual run's params are validated against the DAG's typed params first, as Airflow does at trigger.
 * @throws UpdraftError UPDRAFT_DAG_NOT_FOUND for an unknown DAG, UPDRAFT_DAG_RUN_EXISTS when the run id is taken,
 *   UPDRAFT_INVALID_INPUT for a manual run id Airflow would refuse (see validateManualRunId),
 *   UPDRAFT_PARAM_INVALID when a manual run's conf breaks a param's schema.
 */
export async function createDagRun(db: UpdraftDb, run: NewDagRun, now: Date = new Date()): Promise<DagRunRow> {
  if (run.runType === "manual" && run.runId !== undefined) validateManualRunId(run.runId);
  const runId = run.runId ?? defaultRunId(run.runType, run.logicalDate);
  const [dag] = await db.select({ dagId: dags.dagId, serialized: dags.serialized }).from(dags).where(eq(dags.dagId, run.dagId));
  if (!dag) {
    throw new UpdraftError("UPDRAFT_DAG_NOT_FOUND", `DAG "${run.dagId}" does not exist`, { details: { dagId: run.dagId } });
  }
  if (run.runType === "manual") validateRunParams(run.dagId, dag.serialized.params, dag.serialized.paramSchemas, run.conf ?? {});
  try {
    const [row] = await db
      .insert(dagRuns)
      .values({
        dagId: run.dagId,
        runId,
        runType: run.runType,
        state: "queued",
        conf: run.conf ?? {},
        logicalDate: run.logicalDate,
        dataIntervalStart: run.dataIntervalStart ?? null,
        dataIntervalEnd: run.dataIntervalEnd ?? null,
        queuedAt: now,
        note: run.note ?? null,
      })
      .returning();
    return row!;
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new UpdraftError("UPDRAFT_DAG_RUN_EXISTS", `DAG "${run.dagId}" already has a run "${runId}"`, {
        details: { dagId: run.dagId, runId },
        cause: error,
      });
    }
    throw error;
  }
}

/** A manual run as a user asks for it: POST /api/v1/dags/{dag_id}/dagRuns or `updraft dags trigger`. */
export interface ManualDagRun {
  dagId: string;
  runId?: string | undefined;
  conf?: Record<string, unknown>;
  /** Defaults to now. */
  logicalDate?: Date | undefined;
  /** Defaults to the logical date. */
  dataIntervalStart?: Date | undefined;
  /** Defaults to the logical date. */
  dataIntervalEnd?: Date | undefined;
  note?: string | null;
}

/**
 * Triggers a manual run (queued) and wakes the scheduler: the one way the REST API and the CLI
 * create a user's run, so its fields are the same whichever way it was triggered. Its data interval
 * defaults to the instant it was triggered for, as Airflow's manual runs of unscheduled DAGs do.
 * @throws UpdraftError as createDagRun.
 */
export async function triggerDagRun(db: UpdraftDb, run: ManualDagRun, now: Date = new Date()): Promise<DagRunRow> {
  const logicalDate = run.logicalDate ?? now;
  const row = await createDagRun(
    db,
    {
      dagId: run.dagId,
      runId: run.runId,
      runType: "manual",
      conf: run.conf ?? {},
      logicalDate,
      dataIntervalStart: run.dataIntervalStart ?? logicalDate,
      dataIntervalEnd: run.dataIntervalEnd ?? logicalDate,
      note: run.note ?? null,
    },
    now,
  );
  await wakeScheduler(db, "dag_run_triggered");
  return row;
}

/** The run, or undefined. */
export async function getDagRun(db: UpdraftDb, dagId: string, runId: string): Promise<DagRunRow | undefined> {
  const [row] = await db
    .select()
    .from(dagRuns)
    .where(and(eq(dagRuns.dagId, dagId), eq(dagRuns.runId, runId)));
  return row;
}

export interface DagRunQuery {
  dagId?: string | undefined;
  states?: readonly DagRunState[] | undefined;
  limit?: number | undefined;
  offset?: number | undefined;
}

/** Runs newest first (by logical date), with the total matching count for pagination. */
export async function listDagRuns(db: UpdraftDb, query: DagRunQuery = {}): Promise<{ rows: DagRunRow[]; total: number }> {
  const filters: SQL[] = [];
  if (query.dagId !== undefined) filters.push(eq(dagRuns.dagId, query.dagId));
  if (query.states !== undefined && query.states.length > 0) filters.push(inArray(dagRuns.state, [...query.states]));
  const where = filters.length > 0 ? and(...filters) : undefined;
  const rows = await db
    .select()
    .from(dagRuns)
    .where(where)
    .orderBy(desc(dagRuns.logicalDate), desc(dagRuns.id))
    .limit(query.limit ?? 100)
    .offset(query.offset ?? 0);
  const [total] = await db.select({ n: count() }).from(dagRuns).where(where);
  return { rows, total: total?.n ?? 0 };
}
