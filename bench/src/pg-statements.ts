// The Postgres side of a scenario from pg_stat_statements, when the server under test loads it:
// which statements took the execution time, how often they ran, and their cost per task instance.
// Counts only the database under test, so other databases on a shared server do not blur it.
import type { UpdraftDatabase } from "@updraft/db";
import { sql } from "drizzle-orm";

export interface StatementStat {
  /** Normalised query text, whitespace collapsed, shortened to ~100 characters. */
  query: string;
  calls: number;
  totalMs: number;
}

/** A scenario's statement profile: the heaviest statements and the totals over all of them. */
export interface StatementProfile {
  top: StatementStat[];
  totalMs: number;
  calls: number;
}

export interface StatementProfiler {
  /** Forgets the database's statistics (other databases' are left alone). */
  reset(): Promise<void>;
  /** The `limit` statements with the most total execution time since `reset()`. */
  profile(limit?: number): Promise<StatementProfile>;
}

/** The line printed when the server does not load pg_stat_statements. */
export const HOW_TO_PROFILE_STATEMENTS =
  "Postgres statement profile: not available (pg_stat_statements is not in shared_preload_libraries); set TEST_DATABASE_ADMIN_URL to a server that loads it, e.g. postgres://postgres@127.0.0.1:5499/postgres";

/** Shortens a statement for one line of a table. */
export function shortenQuery(query: string, max = 100): string {
  const flat = query.replace(/\s+/g, " ").trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

/**
 * A profiler for the database `database` is connected to, or undefined when the server does not
 * preload pg_stat_statements. Creates the extension in that database (needs a role allowed to).
 */
export async function statementProfiler(database: UpdraftDatabase): Promise<StatementProfiler | undefined> {
  const { rows } = await database.db.execute<{ libs: string }>(sql`select current_setting('shared_preload_libraries') as libs`);
  if (!/(^|[\s,])"?pg_stat_statements"?($|[\s,])/.test(rows[0]?.libs ?? "")) return undefined;
  await database.db.execute(sql`create extension if not exists pg_stat_statements`);
  const dbid = sql`(select oid from pg_database where datname = current_database())`;
  return {
    async reset() {
      await database.db.execute(sql`select pg_stat_statements_reset(0, ${dbid}, 0)`);
    },
    async profile(limit = 8) {
      const { rows: stats } = await database.db.execute<{ query: string; calls: string; total_ms: number; all_ms: number; all_calls: string }>(sql`
        select query, calls, total_exec_time as total_ms,
               sum(total_exec_time) over () as all_ms, sum(calls) over () as all_calls
        from pg_stat_statements
        where dbid = ${dbid} and query not like '%pg_stat_statements%'
        order by total_exec_time desc
        limit ${limit}`);
      return {
        top: stats.map((s) => ({ query: shortenQuery(s.query), calls: Number(s.calls), totalMs: Number(s.total_ms) })),
        totalMs: Number(stats[0]?.all_ms ?? 0),
        calls: Number(stats[0]?.all_calls ?? 0),
      };
    },
  };
}
