// The audit log over REST, in Airflow's shape: `GET /api/v1/eventLogs` (filters, order_by) and
// `GET /api/v1/eventLogs/{event_log_id}`. Read by every role, as Airflow's Viewer reads Audit Logs.
import { UpdraftError } from "@updraft/core";
import { EVENT_LOG_ORDER_FIELDS, getEventLog, listEventLogs, type EventLogOrderField, type EventLogRow } from "@updraft/db";
import { EventLog, EventLogCollection, EventLogParams, EventLogQuery } from "../schemas/airflow-reads.ts";
import { errorResponses } from "../schemas/common.ts";
import type { ApiApp, ApiContext } from "./context.ts";
import { parseOrderBy } from "./order-by.ts";
import { splitList } from "./query-lists.ts";

const ORDER_FIELDS = Object.keys(EVENT_LOG_ORDER_FIELDS) as EventLogOrderField[];

export function toEventLogResponse(row: EventLogRow) {
  return {
    event_log_id: row.id,
    when: row.dttm.toISOString(),
    dag_id: row.dagId,
    task_id: row.taskId,
    run_id: row.runId,
    map_index: row.mapIndex,
    try_number: row.tryNumber,
    event: row.event,
    execution_date: row.logicalDate?.toISOString() ?? null,
    owner: row.owner,
    extra: row.extra,
  };
}

export function eventLogRoutes(app: ApiApp, { db }: ApiContext): void {
  app.get(
    "/api/v1/eventLogs",
    { schema: { tags: ["EventLog"], summary: "List audit log entries: who triggered, cleared, marked, paused or deleted what, and when", querystring: EventLogQuery, response: { 200: EventLogCollection, ...errorResponses } } },
    async (request) => {
      const q = request.query;
      // Updraft has no mapped tasks and records no try numbers on actions: such filters match nothing.
      if ((q.map_index !== undefined && q.map_index !== -1) || q.try_number !== undefined) return { event_logs: [], total_entries: 0 };
      const { rows, total } = await listEventLogs(db, {
        dagId: q.dag_id,
        taskId: q.task_id,
        runId: q.run_id,
        event: q.event,
        owner: q.owner,
        before: q.before === undefined ? undefined : new Date(q.before),
        after: q.after === undefined ? undefined : new Date(q.after),
        includedEvents: q.included_events === undefined ? undefined : splitList([q.included_events]),
        excludedEvents: q.excluded_events === undefined ? undefined : splitList([q.excluded_events]),
        orderBy: parseOrderBy(q.order_by, ORDER_FIELDS),
        limit: q.limit,
        offset: q.offset,
      });
      return { event_logs: rows.map(toEventLogResponse), total_entries: total };
    },
  );

  app.get(
    "/api/v1/eventLogs/:event_log_id",
    { schema: { tags: ["EventLog"], summary: "Get one audit log entry", params: EventLogParams, response: { 200: EventLog, ...errorResponses } } },
    async (request) => {
      const row = await getEventLog(db, request.params.event_log_id);
      if (row === undefined) {
        throw new UpdraftError("UPDRAFT_EVENT_LOG_NOT_FOUND", `No event log ${request.params.event_log_id}`, { details: { eventLogId: request.params.event_log_id } });
      }
      return toEventLogResponse(row);
    },
  );
}
