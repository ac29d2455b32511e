// The audit log (Airflow's `log` table): append-only writes by the REST API, paged reads for
// `GET /api/v1/eventLogs` with Airflow's filters.
import { and, asc, count, desc, eq, gt, inArray, lt, notInArray, type SQL } from "drizzle-orm";
import type { UpdraftDb } from "../client.ts";
import { eventLog, type EventLogRow } from "../schema/event-log.ts";

export interface NewEventLog {
  /** What happened, e.g. `trigger`, `clear`, `paused`, `login_failed` (Airflow's `event`). */
  event: string;
  owner?: string | null;
  dagId?: string | null;
  taskId?: string | null;
  runId?: string | null;
  mapIndex?: number | null;
  tryNumber?: number | null;
  logicalDate?: Date | null;
  /** Details; objects are stored as JSON text. */
  extra?: string | Record<string, unknown> | null;
  at?: Date;
}

/** Appends one audit record and returns it. */
export async function recordEvent(db: UpdraftDb, entry: NewEventLog): Promise<EventLogRow> {
  const extra = entry.extra === undefined || entry.extra === null ? null : typeof entry.extra === "string" ? entry.extra : JSON.stringify(entry.extra);
  const [row] = await db
    .insert(eventLog)
    .values({
      event: entry.event,
      owner: entry.owner ?? null,
      dagId: entry.dagId ?? null,
      taskId: entry.taskId ?? null,
      runId: entry.runId ?? null,
      mapIndex: entry.mapIndex ?? null,
      tryNumber: entry.tryNumber ?? null,
      logicalDate: entry.logicalDate ?? null,
      extra,
      ...(entry.at === undefined ? {} : { dttm: entry.at }),
    })
    .returning();
  return row!;
}

/** Fields `order_by` may name (Airflow's names; a leading `-` sorts descending). */
export const EVENT_LOG_ORDER_FIELDS = {
  event_log_id: eventLog.id,
  when: eventLog.dttm,
  dag_id: eventLog.dagId,
  task_id: eventLog.taskId,
  run_id: eventLog.runId,
  event: eventLog.event,
  owner: eventLog.owner,
  execution_date: eventLog.logicalDate,
} as const;

export type EventLogOrderField = keyof typeof EVENT_LOG_ORDER_FIELDS;

export interface EventLogQuery {
  dagId?: string | undefined;
  taskId?: string | undefined;
  runId?: string | undefined;
  event?: string | undefined;
  owner?: string | undefined;
  /** Only events strictly after / before this instant. */
  after?: Date | undefined;
  before?: Date | undefined;
  includedEvents?: string[] | undefined;
  excludedEvents?: string[] | undefined;
  orderBy?: { field: EventLogOrderField; descending: boolean } | undefined;
  /** @defaultValue 100 */
  limit?: number | undefined;
  offset?: number | undefined;
}

/** A page of audit records, oldest first by default as Airflow's (order_by=event_log_id). */
export async function listEventLogs(db: UpdraftDb, query: EventLogQuery = {}): Promise<{ rows: EventLogRow[]; total: number }> {
  const filters: SQL[] = [];
  if (query.dagId !== undefined) filters.push(eq(eventLog.dagId, query.dagId));
  if (query.taskId !== undefined) filters.push(eq(eventLog.taskId, query.taskId));
  if (query.runId !== undefined) filters.push(eq(eventLog.runId, query.runId));
  if (query.event !== undefined) filters.push(eq(eventLog.event, query.event));
  if (query.owner !== undefined) filters.push(eq(eventLog.owner, query.owner));
  if (query.after !== undefined) filters.push(gt(eventLog.dttm, query.after));
  if (query.before !== undefined) filters.push(lt(eventLog.dttm, query.before));
  if (query.includedEvents !== undefined && query.includedEvents.length > 0) filters.push(inArray(eventLog.event, query.includedEvents));
  if (query.excludedEvents !== undefined && query.excludedEvents.length > 0) filters.push(notInArray(eventLog.event, query.excludedEvents));
  const where = filters.length === 0 ? undefined : and(...filters);
  const column = EVENT_LOG_ORDER_FIELDS[query.orderBy?.field ?? "event_log_id"];
  const order = query.orderBy?.descending === true ? desc(column) : asc(column);
  const [rows, [total]] = await Promise.all([
    db.select().from(eventLog).where(where).orderBy(order, asc(eventLog.id)).limit(query.limit ?? 100).offset(query.offset ?? 0),
    db.select({ n: count() }).from(eventLog).where(where),
  ]);
  return { rows, total: total?.n ?? 0 };
}

/** One audit record by id, or undefined. */
export async function getEventLog(db: UpdraftDb, id: number): Promise<EventLogRow | undefined> {
  const [row] = await db.select().from(eventLog).where(eq(eventLog.id, id)).limit(1);
  return row;
}
