// The scheduler's view of DAGs: pause state and the serialized definition, parsed into a graph
// once per content hash, so a scheduler pass never re-parses an unchanged DAG.
import { buildDagGraph, type DagGraph, type SerializedDag, type SerializedTask, type TriggerRule } from "@updraft/core";
import { dags, type UpdraftDb } from "@updraft/db";
import { eq, inArray } from "drizzle-orm";

export interface CachedDag {
  dagId: string;
  hash: string;
  isPaused: boolean;
  serialized: SerializedDag;
  graph: DagGraph;
  tasks: ReadonlyMap<string, SerializedTask>;
  triggerRules: ReadonlyMap<string, TriggerRule>;
}

export class DagCache {
  private readonly byId = new Map<string, CachedDag>();

  /** Refreshes pause states and hashes of every active DAG; loads definitions whose hash changed. */
  async refresh(db: UpdraftDb): Promise<ReadonlyMap<string, CachedDag>> {
    const rows = await db.select({ dagId: dags.dagId, hash: dags.hash, isPaused: dags.isPaused }).from(dags).where(eq(dags.isActive, true));
    const stale = rows.filter((r) => this.byId.get(r.dagId)?.hash !== r.hash).map((r) => r.dagId);
    if (stale.length > 0) {
      const loaded = await db.select({ dagId: dags.dagId, hash: dags.hash, serialized: dags.serialized }).from(dags).where(inArray(dags.dagId, stale));
      for (const row of loaded) {
        const serialized = row.serialized as SerializedDag;
        this.byId.set(row.dagId, {
          dagId: row.dagId,
          hash: row.hash,
          isPaused: false,
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
      if (cached) cached.isPaused = row.isPaused;
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
