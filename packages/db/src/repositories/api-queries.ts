// Reads behind Airflow's REST API endpoints that cross DAGs and runs: the batch run and task
// instance lists (`dags/~/dagRuns/list`, `dags/~/dagRuns/~/taskInstances/list`), DAG stats, XCom
// entries and one import error. Filters follow Airflow's field names and meanings.
import type { DagRunState, TaskInstanceState } from "@updraft/core";
import { and, asc, count, desc, eq, gte, inArray, isNull, lte, or, sql, type AnyColumn, type SQL } from "drizzle-orm";
import type { UpdraftDb } from "../client.ts";
import { dagRuns, type DagRunRow } from "../schema/dag-runs.ts";
import { importErrors, type ImportErrorRow } from "../schema/import-errors.ts";
import { taskInstances, type TaskInstanceRow } from "../schema/task-instances.ts";
import { xcom, type XcomRow } from "../schema/xcom.ts";

/** Sort order as Airflow's `order_by`: a field name, `-` in front for descending. */
export interface OrderBy<F extends string> {
  field: F;
  descending: boolean;
}

function ordered(column: AnyColumn, order: { descending: boolean } | undefined): SQL {
  return order?.descending === true ? desc(column) : asc(column);
}

/** A closed range on a timestamp column; either end may be open. */
export interface DateRange {
  gte?: Date | undefined;
  lte?: Date | undefined;
}

function inRange(column: AnyColumn, range: DateRange | undefined, into: SQL[]): void {
  if (range?.gte !== undefined) into.push(gte(column, range.gte));
  if (range?.lte !== undefined) into.push(lte(column, range.lte));
}

export const DAG_RUN_ORDER_FIELDS = {
  id: dagRuns.id,
  dag_id: dagRuns.dagId,
  dag_run_id: dagRuns.runId,
  run_type: dagRuns.runType,
  state: dagRuns.state,
  execution_date: dagRuns.logicalDate,
  logical_date: dagRuns.logicalDate,
  start_date: dagRuns.startDate,
  end_date: dagRuns.endDate,
  queued_at: dagRuns.queuedAt,
  data_interval_start: dagRuns.dataIntervalStart,
  data_interval_end: dagRuns.dataIntervalEnd,
} as const;

export type DagRunOrderField = keyof typeof DAG_RUN_ORDER_FIELDS;

export interface DagRunSearch {
  /** Any of these DAGs; all DAGs when absent (Airflow's `~`). */
  dagIds?: readonly string[] | undefined;
  states?: readonly DagRunState[] | undefined;
  logicalDate?: DateRange | undefined;
  startDate?: DateRange | undefined;
  endDate?: DateRange | undefined;
  /** @defaultValue newest logical date first */
  orderBy?: OrderBy<DagRunOrderField> | undefined;
  limit?: number | undefined;
  offset?: number | undefined;
  /**
   * At most this many runs of each DAG, the newest by logical date (Updraft's addition, so the DAG
   * list gets every DAG's recent runs in one query). The total counts the runs so kept.
   */
  limitPerDag?: number | undefined;
}

/** Runs matching Airflow's run filters, with the total for pagination. */
export async function searchDagRuns(db: UpdraftDb, search: DagRunSearch): Promise<{ rows: DagRunRow[]; total: number }> {
  const filters: SQL[] = [];
  if (search.dagIds !== undefined) filters.push(inArray(dagRuns.dagId, [...search.dagIds]));
  if (search.states !== undefined && search.states.length > 0) filters.push(inArray(dagRuns.state, [...search.states]));
  inRange(dagRuns.logicalDate, search.logicalDate, filters);
  inRange(dagRuns.startDate, search.startDate, filters);
  inRange(dagRuns.endDate, search.endDate, filters);
  if (search.limitPerDag !== undefined) {
    // Rank each DAG's matching runs newest first and keep the first N of each.
    const ranked = db
      .select({
        id: dagRuns.id,
        rank: sql<number>`row_number() over (partition by ${dagRuns.dagId} order by ${dagRuns.logicalDate} desc, ${dagRuns.id} desc)`.as("rank"),
      })
      .from(dagRuns)
      .where(filters.length > 0 ? and(...filters) : undefined)
      .as("ranked");
    filters.push(inArray(dagRuns.id, db.select({ id: ranked.id }).from(ranked).where(lte(ranked.rank, search.limitPerDag))));
  }
  const where = filters.length > 0 ? and(...filters) : undefined;
  const order = search.orderBy === undefined ? [desc(dagRuns.logicalDate), desc(dagRuns.id)] : [ordered(DAG_RUN_ORDER_FIELDS[search.orderBy.field], search.orderBy), asc(dagRuns.id)];
  const [rows, [total]] = await Promise.all([
    db.select().from(dagRuns).where(where).orderBy(...order).limit(search.limit ?? 100).offset(search.offset ?? 0),
    db.select({ n: count() }).from(dagRuns).where(where),
  ]);
  return { rows, total: total?.n ?? 0 };
}

export interface TaskInstanceSearch {
  dagIds?: readonly string[] | undefined;
  runIds?: readonly string[] | undefined;
  taskIds?: readonly string[] | undefined;
  /** `null` in the list matches task instances with no state yet. */
  states?: ReadonlyArray<TaskInstanceState | null> | undefined;
  pools?: readonly string[] | undefined;
  queues?: readonly string[] | undefined;
  startDate?: DateRange | undefined;
  endDate?: DateRange | undefined;
  /** Seconds. */
  durationGte?: number | undefined;
  durationLte?: number | undefined;
  limit?: number | undefined;
  offset?: number | undefined;
}

/** Task instances across DAGs and runs, by DAG, run and task id, with the total. */
export async function searchTaskInstances(db: UpdraftDb, search: TaskInstanceSearch): Promise<{ rows: TaskInstanceRow[]; total: number }> {
  const filters: SQL[] = [];
  if (search.dagIds !== undefined) filters.push(inArray(taskInstances.dagId, [...search.dagIds]));
  if (search.runIds !== undefined) filters.push(inArray(taskInstances.runId, [...search.runIds]));
  if (search.taskIds !== undefined) filters.push(inArray(taskInstances.taskId, [...search.taskIds]));
  if (search.states !== undefined && search.states.length > 0) {
    const named = search.states.filter((s): s is TaskInstanceState => s !== null);
    const either: SQL[] = [];
    if (named.length > 0) either.push(inArray(taskInstances.state, named));
    if (named.length < search.states.length) either.push(isNull(taskInstances.state));
    filters.push(or(...either)!);
  }
  if (search.pools !== undefined) filters.push(inArray(taskInstances.pool, [...search.pools]));
  if (search.queues !== undefined) filters.push(inArray(taskInstances.queue, [...search.queues]));
  inRange(taskInstances.startDate, search.startDate, filters);
  inRange(taskInstances.endDate, search.endDate, filters);
  if (search.durationGte !== undefined) filters.push(gte(taskInstances.duration, search.durationGte));
  if (search.durationLte !== undefined) filters.push(lte(taskInstances.duration, search.durationLte));
  const where = filters.length > 0 ? and(...filters) : undefined;
  const [rows, [total]] = await Promise.all([
    db
      .select()
      .from(taskInstances)
      .where(where)
      .orderBy(asc(taskInstances.dagId), asc(taskInstances.runId), asc(taskInstances.taskId))
      .limit(search.limit ?? 100)
      .offset(search.offset ?? 0),
    db.select({ n: count() }).from(taskInstances).where(where),
  ]);
  return { rows, total: total?.n ?? 0 };
}

/** Run counts per DAG and state (Airflow's dagStats), for the given DAGs. */
export async function countDagRunsPerDagAndState(db: UpdraftDb, dagIds: readonly string[]): Promise<Array<{ dagId: string; state: DagRunState; count: number }>> {
  if (dagIds.length === 0) return [];
  return db
    .select({ dagId: dagRuns.dagId, state: dagRuns.state, count: count() })
    .from(dagRuns)
    .where(inArray(dagRuns.dagId, [...dagIds]))
    .groupBy(dagRuns.dagId, dagRuns.state);
}

/** XCom entries of one task instance by key, with the total; `key` narrows to one. */
export async function listXcomEntries(
  db: UpdraftDb,
  query: { dagId: string; runId: string; taskId: string; key?: string | undefined; limit?: number | undefined; offset?: number | undefined },
): Promise<{ rows: XcomRow[]; total: number }> {
  const filters = [eq(xcom.dagId, query.dagId), eq(xcom.runId, query.runId), eq(xcom.taskId, query.taskId)];
  if (query.key !== undefined) filters.push(eq(xcom.key, query.key));
  const where = and(...filters);
  const [rows, [total]] = await Promise.all([
    db.select().from(xcom).where(where).orderBy(asc(xcom.key)).limit(query.limit ?? 100).offset(query.offset ?? 0),
    db.select({ n: count() }).from(xcom).where(where),
  ]);
  return { rows, total: total?.n ?? 0 };
}

export const IMPORT_ERROR_ORDER_FIELDS = {
  import_error_id: importErrors.id,
  filename: importErrors.filename,
  timestamp: importErrors.timestamp,
} as const;

export type ImportErrorOrderField = keyof typeof IMPORT_ERROR_ORDER_FIELDS;

/** Import errors in the given order (by filename when absent), with the total. */
export async function searchImportErrors(
  db: UpdraftDb,
  query: { orderBy?: OrderBy<ImportErrorOrderField> | undefined; limit?: number | undefined; offset?: number | undefined },
): Promise<{ rows: ImportErrorRow[]; total: number }> {
  const order = query.orderBy === undefined ? asc(importErrors.filename) : ordered(IMPORT_ERROR_ORDER_FIELDS[query.orderBy.field], query.orderBy);
  const [rows, [total]] = await Promise.all([
    db.select().from(importErrors).orderBy(order, asc(importErrors.id)).limit(query.limit ?? 100).offset(query.offset ?? 0),
    db.select({ n: count() }).from(importErrors),
  ]);
  return { rows, total: total?.n ?? 0 };
}

/** One import error by id, or undefined. */
export async function getImportError(db: UpdraftDb, id: number): Promise<ImportErrorRow | undefined> {
  const [row] = await db.select().from(importErrors).where(eq(importErrors.id, id)).limit(1);
  return row;
}
