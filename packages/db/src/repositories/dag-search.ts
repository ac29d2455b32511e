// Paged, filtered DAG listing for the REST API (`GET /api/v1/dags`): the filters Airflow's
// endpoint offers, with the total count so clients can page.
import { and, arrayOverlaps, asc, count, desc, eq, ilike, type SQL } from "drizzle-orm";
import type { UpdraftDb } from "../client.ts";
import { dags, type DagRow } from "../schema/dags.ts";

export interface DagSearch {
  /** Hide DAGs whose file no longer defines them. */
  onlyActive?: boolean | undefined;
  paused?: boolean | undefined;
  /** DAGs carrying any of these tags. */
  tags?: readonly string[] | undefined;
  /** Case-insensitive substring of the dag id. */
  dagIdPattern?: string | undefined;
  /** @defaultValue by dag id */
  orderBy?: { field: "dag_id" | "last_parsed_time" | "next_dagrun" | "is_paused"; descending: boolean } | undefined;
  limit?: number | undefined;
  offset?: number | undefined;
}

const ORDER_COLUMNS = { dag_id: dags.dagId, last_parsed_time: dags.lastParsedAt, next_dagrun: dags.nextDagrunLogicalDate, is_paused: dags.isPaused } as const;

function order(orderBy: DagSearch["orderBy"]): SQL[] {
  if (orderBy === undefined) return [asc(dags.dagId)];
  const column = ORDER_COLUMNS[orderBy.field];
  return [orderBy.descending ? desc(column) : asc(column), asc(dags.dagId)];
}

/** DAGs by id with the number matching the filters (ignoring limit/offset). */
export async function searchDags(db: UpdraftDb, search: DagSearch = {}): Promise<{ rows: DagRow[]; total: number }> {
  const filters: SQL[] = [];
  if (search.onlyActive === true) filters.push(eq(dags.isActive, true));
  if (search.paused !== undefined) filters.push(eq(dags.isPaused, search.paused));
  if (search.tags !== undefined && search.tags.length > 0) filters.push(arrayOverlaps(dags.tags, [...search.tags]));
  if (search.dagIdPattern !== undefined && search.dagIdPattern !== "") {
    // The pattern is a plain substring: LIKE's own wildcards are escaped.
    filters.push(ilike(dags.dagId, `%${search.dagIdPattern.replace(/[\\%_]/g, (c) => `\\${c}`)}%`));
  }
  const where = filters.length > 0 ? and(...filters) : undefined;
  const rows = await db
    .select()
    .from(dags)
    .where(where)
    .orderBy(...order(search.orderBy))
    .limit(search.limit ?? 100)
    .offset(search.offset ?? 0);
  const [total] = await db.select({ n: count() }).from(dags).where(where);
  return { rows, total: total?.n ?? 0 };
}
