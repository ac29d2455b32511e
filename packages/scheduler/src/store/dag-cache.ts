// The scheduler's view of DAGs: pause state and the serialized definition, parsed into a graph
// once per content hash, so a scheduler pass never re-parses an unchanged DAG. Besides the active
// DAGs it holds, flagged inactive, each DAG that no file defines any more (file deleted, or
// failing to import) while a run of it is still running: that run goes on with the last parsed
// definition and reaches a final state, rather than staying `running` for ever.
import { buildDagGraph, type DagGraph, type SerializedDag, type SerializedTask, type TriggerRule } from "@updraft/core";
import { dagRuns, dags, type UpdraftDb } from "@updraft/db";
import { eq, exists, and, inArray, or } from "drizzle-orm";

export interface CachedDag {
  dagId: string;
  hash: string;
  isPaused: boolean;
  /**
   * False when no file defines the DAG any more (deleted, or its file fails to import) and it is
   * kept only for its running runs: no new runs are created or started for it.
   */
  isActive: boolean;
  serialized: SerializedDag;
  graph: DagGraph;
  tasks: ReadonlyMap<string, SerializedTask>;
  triggerRules: ReadonlyMap<string, TriggerRule>;
}

export class DagCache {
  private readonly byId = new Map<string, CachedDag>();

  /**
   * Refreshes pause states and hashes of every active DAG and of every inactive one with a
   * running run; loads definitions whose hash changed.
   */
  async refresh(db: UpdraftDb): Promise<ReadonlyMap<string, CachedDag>> {
    const running = db.select({ one: dagRuns.id }).from(dagRuns).where(and(eq(dagRuns.dagId, dags.dagId), eq(dagRuns.state, "running")));
    const rows = await db
      .select({ dagId: dags.dagId, hash: dags.hash, isPaused: dags.isPaused, isActive: dags.isActive })
      .from(dags)
      .where(or(eq(dags.isActive, true), exists(running)));
    const stale = rows.filter((r) => this.byId.get(r.dagId)?.hash !== r.hash).map((r) => r.dagId);
    if (stale.length > 0) {
      const loaded = await db.select({ dagId: dags.dagId, hash: dags.hash, serialized: dags.serialized }).from(dags).where(inArray(dags.dagId, stale));
      for (const row of loaded) {
        const serialized = row.serialized as SerializedDag;
        this.byId.set(row.dagId, {
          dagId: row.dagId,
          hash: row.hash,
          isPaused: false,
          isActive: true,
          serialized,
          graph: buildDagGraph(row.dagId, serialized.tasks),
          tasks: new Map(serialized.tasks.map((t) => [t.taskId, t])),
          triggerRules: new Map(serialized.tasks.map((t) => [t.taskId, t.triggerRule])),
        });
      }
    }
    const active = new Set(rows.map((r) => r.dagId));
    for (const id of this.byId.keys()) if (!active.has(id)) this.byId.delete(id);
    for (const row of rows) {
      const cached = this.byId.get(row.dagId);
      if (cached) {
        cached.isPaused = row.isPaused;
        cached.isActive = row.isActive;
      }
    }
    return this.byId;
  }

  /** The DAGs as of the last refresh. */
  all(): ReadonlyMap<string, CachedDag> {
    return this.byId;
  }

  get(dagId: string): CachedDag | undefined {
    return this.byId.get(dagId);
  }
}
