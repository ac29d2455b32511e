// DAG records as the DAG processor sees them: one transaction per parse pass upserts the DAGs,
// deactivates the ones that vanished and replaces the import errors, so readers never see a
// half-applied pass.
import { UpdraftError, type SerializedDag } from "@updraft/core";
import { asc, eq, notInArray, sql } from "drizzle-orm";
import type { UpdraftDb } from "../client.ts";
import { dags, type DagRow } from "../schema/dags.ts";
import { importErrors } from "../schema/import-errors.ts";

export interface SyncDagsInput {
  dags: Array<{ serialized: SerializedDag; hash: string }>;
  importErrors: Array<{ filename: string; message: string }>;
  parsedAt: Date;
  /** Pause state given to DAGs seen for the first time; known DAGs keep theirs. */
  pausedAtCreation: boolean;
}

export interface SyncDagsResult {
  /** DAG ids seen for the first time. */
  added: string[];
  /** Known DAG ids whose definition hash changed (or that came back after being inactive). */
  changed: string[];
  /** DAG ids that were active and are no longer defined by any file. */
  deactivated: string[];
}

// Keeps each INSERT well under Postgres's 65535 bind-parameter limit.
const CHUNK = 500;

/**
 * Applies one parse pass: upserts every DAG, marks DAGs missing from the pass inactive, and
 * makes the import-error table hold exactly `input.importErrors` (one row per failing file; a
 * file that keeps failing keeps its row and id, as Airflow's ImportError rows do).
 */
export async function syncDags(db: UpdraftDb, input: SyncDagsInput): Promise<SyncDagsResult> {
  return db.transaction(async (tx) => {
    const existing = await tx.select({ dagId: dags.dagId, hash: dags.hash, isActive: dags.isActive }).from(dags);
    const known = new Map(existing.map((row) => [row.dagId, row]));
    const seen = new Set<string>();
    const result: SyncDagsResult = { added: [], changed: [], deactivated: [] };

    // A DAG whose definition hash is unchanged (and still active) gets only its parse time: its
    // other columns all derive from the definition. Rewriting the serialized JSON of every DAG on
    // every parse cost the scheduler a JSON.stringify of each definition (megabytes for a
    // 10,000-task DAG, every 30 s) and the database a new row version of it.
    const unchanged: string[] = [];
    const rows = [];
    for (const { serialized, hash } of input.dags) {
      seen.add(serialized.dagId);
      const before = known.get(serialized.dagId);
      if (before === undefined) result.added.push(serialized.dagId);
      else if (before.hash !== hash || !before.isActive) result.changed.push(serialized.dagId);
      else {
        unchanged.push(serialized.dagId);
        continue;
      }
      rows.push({
        dagId: serialized.dagId,
        fileloc: serialized.fileloc,
        isPaused: input.pausedAtCreation,
        isActive: true,
        serialized,
        hash,
        description: serialized.description,
        schedule: serialized.schedule,
        tags: serialized.tags,
        lastParsedAt: input.parsedAt,
      });
    }

    for (let i = 0; i < unchanged.length; i += CHUNK) {
      await tx
        .update(dags)
        .set({ lastParsedAt: input.parsedAt })
        .where(sql`${dags.dagId} in ${unchanged.slice(i, i + CHUNK)}`);
    }
    for (let i = 0; i < rows.length; i += CHUNK) {
      await tx
        .insert(dags)
        .values(rows.slice(i, i + CHUNK))
        .onConflictDoUpdate({
          target: dags.dagId,
          // is_paused is deliberately absent: a user's pause survives every re-parse.
          set: {
            fileloc: sql`excluded.fileloc`,
            isActive: true,
            serialized: sql`excluded.serialized`,
            hash: sql`excluded.hash`,
            description: sql`excluded.description`,
            schedule: sql`excluded.schedule`,
            tags: sql`excluded.tags`,
            lastParsedAt: sql`excluded.last_parsed_at`,
          },
        });
    }

    result.deactivated = existing.filter((row) => row.isActive && !seen.has(row.dagId)).map((row) => row.dagId);
    for (let i = 0; i < result.deactivated.length; i += CHUNK) {
      const ids = result.deactivated.slice(i, i + CHUNK);
      await tx
        .update(dags)
        .set({ isActive: false })
        .where(sql`${dags.dagId} in ${ids}`);
    }

    // Import errors: a file that still fails keeps its row, so its import_error_id stays the same
    // from parse to parse; its timestamp moves only when the error's text changes (issue 13,
    // item 11). Files that no longer fail lose their rows.
    const failing = [...new Set(input.importErrors.map((e) => e.filename))];
    await tx.delete(importErrors).where(failing.length === 0 ? undefined : notInArray(importErrors.filename, failing));
    const errorRows = input.importErrors.map((e) => ({ filename: e.filename, stackTrace: e.message, timestamp: input.parsedAt }));
    for (let i = 0; i < errorRows.length; i += CHUNK) {
      // A file can only fail once per pass; should a caller repeat it, the last message wins.
      await tx
        .insert(importErrors)
        .values(errorRows.slice(i, i + CHUNK))
        .onConflictDoUpdate({
          target: importErrors.filename,
          set: {
            stackTrace: sql`excluded.stack_trace`,
            timestamp: sql`case when ${importErrors.stackTrace} = excluded.stack_trace then ${importErrors.timestamp} else excluded.timestamp end`,
          },
        });
    }
    return result;
  });
}

/** DAGs by id; `activeOnly` hides DAGs whose file no longer defines them. */
export async function listDags(db: UpdraftDb, options: { activeOnly?: boolean } = {}): Promise<DagRow[]> {
  const query = db.select().from(dags);
  return options.activeOnly === true
    ? query.where(eq(dags.isActive, true)).orderBy(asc(dags.dagId))
    : query.orderBy(asc(dags.dagId));
}

/** The DAG with that id, or undefined. */
export async function getDag(db: UpdraftDb, dagId: string): Promise<DagRow | undefined> {
  const [row] = await db.select().from(dags).where(eq(dags.dagId, dagId)).limit(1);
  return row;
}

/**
 * The DAG's record, for callers that answer a missing DAG as an error (the REST API's 404, the CLI).
 * @throws UpdraftError UPDRAFT_DAG_NOT_FOUND when no DAG has that id.
 */
export async function requireDag(db: UpdraftDb, dagId: string): Promise<DagRow> {
  const dag = await getDag(db, dagId);
  if (dag === undefined) throw new UpdraftError("UPDRAFT_DAG_NOT_FOUND", `DAG "${dagId}" not found`, { details: { dagId } });
  return dag;
}

/**
 * Pauses or unpauses a DAG and returns the updated record.
 * @throws UpdraftError UPDRAFT_DAG_NOT_FOUND when no DAG has that id.
 */
export async function setDagPaused(db: UpdraftDb, dagId: string, paused: boolean): Promise<DagRow> {
  const [row] = await db.update(dags).set({ isPaused: paused }).where(eq(dags.dagId, dagId)).returning();
  if (row === undefined) {
    throw new UpdraftError("UPDRAFT_DAG_NOT_FOUND", `DAG "${dagId}" not found`, { details: { dagId } });
  }
  return row;
}

/** Whether a DAG with this id is recorded; reads the key only, not the serialized definition. */
export async function dagExists(db: UpdraftDb, dagId: string): Promise<boolean> {
  const rows = await db.select({ dagId: dags.dagId }).from(dags).where(eq(dags.dagId, dagId)).limit(1);
  return rows.length > 0;
}
