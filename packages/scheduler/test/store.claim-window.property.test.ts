// The claim's SQL reads exactly the pure candidateWindow (issue 10, item 13): for random
// installations written to Postgres and PGlite, planClaim's candidates equal candidateWindow over
// every scheduled task instance of a running run, and its selection equals the pure selection. So
// the property test of the pure decisions (decisions.explain-claim.property.test.ts) speaks for the
// real claim, and "why waiting" (which reads the same plan) cannot disagree with it.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDagGraph, type SerializedDag } from "@updraft/core";
import { migrate, type UpdraftDatabase } from "@updraft/db";
import { createTestDatabase, type TestDatabase } from "@updraft/db/testing";
import { sql } from "drizzle-orm";
import { candidateWindow, planClaim, selectTaskInstancesToQueue, type DagCache } from "../src/index.ts";
import { propertyParams } from "./support/property-params.ts";

type CachedDag = ReturnType<DagCache["all"]> extends ReadonlyMap<string, infer D> ? D : never;

const worldArb = fc.record({
  parallelism: fc.integer({ min: 1, max: 8 }),
  dags: fc.array(fc.record({ isPaused: fc.boolean(), maxActiveTasks: fc.integer({ min: 0, max: 4 }) }), { minLength: 1, maxLength: 3 }),
  pools: fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 3 }),
  runs: fc.array(fc.record({ dag: fc.nat(), running: fc.boolean(), day: fc.integer({ min: 1, max: 5 }) }), { minLength: 1, maxLength: 4 }),
  tis: fc.array(
    fc.record({
      run: fc.nat(),
      state: fc.constantFrom("scheduled", "scheduled", "scheduled", "queued", "running", "success"),
      pool: fc.nat({ max: 2 }),
      poolSlots: fc.integer({ min: 1, max: 4 }),
      priorityWeight: fc.integer({ min: 1, max: 3 }),
    }),
    { minLength: 1, maxLength: 20 },
  ),
});

const cachedDag = (dagId: string, isPaused: boolean, maxActiveTasks: number): CachedDag => {
  const serialized = { dagId, fileloc: `${dagId}.ts`, tasks: [], maxActiveTasks } as unknown as SerializedDag;
  return { dagId, hash: dagId, isPaused, isActive: true, serialized, graph: buildDagGraph(dagId, []), tasks: new Map(), triggerRules: new Map() };
};

describe.each(["postgres", "pglite"] as const)("the claim's SQL window is the pure candidateWindow (%s)", (driver) => {
  let testDb: TestDatabase;
  let database: UpdraftDatabase;

  beforeAll(async () => {
    testDb = await createTestDatabase(driver);
    database = await testDb.open();
    await migrate(database);
  }, 120_000);

  afterAll(async () => {
    await testDb?.drop();
  });

  it("for random installations", async () => {
    await fc.assert(
      fc.asyncProperty(worldArb, async (w) => {
        const db = database.db;
        await db.execute(sql`delete from task_instances`);
        await db.execute(sql`delete from dag_runs`);
        await db.execute(sql`delete from dags`);
        await db.execute(sql`delete from pools`);
        const dags = new Map(w.dags.map((d, i) => [`dag${i}`, cachedDag(`dag${i}`, d.isPaused, d.maxActiveTasks)]));
        const poolNames = w.pools.map((_, i) => (i === 0 ? "default_pool" : `pool${i}`));
        for (const [i, slots] of w.pools.entries()) await db.execute(sql`insert into pools (name, slots) values (${poolNames[i]}, ${slots})`);
        for (const dagId of dags.keys()) {
          await db.execute(sql`insert into dags (dag_id, fileloc, serialized, hash, last_parsed_at) values (${dagId}, 'x.ts', '{}'::jsonb, 'h', now())`);
        }
        const runs = w.runs.map((r, i) => ({ dagId: `dag${r.dag % w.dags.length}`, runId: `run${i}`, running: r.running, logicalDate: new Date(Date.UTC(2026, 0, r.day)) }));
        for (const r of runs) {
          await db.execute(sql`insert into dag_runs (dag_id, run_id, run_type, state, conf, logical_date)
            values (${r.dagId}, ${r.runId}, 'manual', ${r.running ? "running" : "queued"}, '{}'::jsonb, ${r.logicalDate.toISOString()}::timestamptz)`);
        }
        const tis = w.tis.map((t, i) => {
          const run = runs[t.run % runs.length]!;
          return { ...t, dagId: run.dagId, runId: run.runId, taskId: `t${String(i).padStart(2, "0")}`, logicalDate: run.logicalDate, running: run.running, pool: poolNames[t.pool % poolNames.length]! };
        });
        for (const t of tis) {
          await db.execute(sql`insert into task_instances (dag_id, run_id, task_id, state, try_number, max_tries, queue, pool, pool_slots, priority_weight)
            values (${t.dagId}, ${t.runId}, ${t.taskId}, ${t.state}, 0, 1, 'default', ${t.pool}, ${t.poolSlots}, ${t.priorityWeight})`);
        }
        const plan = await planClaim(db, dags, { parallelism: w.parallelism, defaultMaxActiveTasks: 16, executorFreeSlots: Number.POSITIVE_INFINITY });
        const scheduled = tis.filter((t) => t.state === "scheduled" && t.running);
        const expected = candidateWindow(plan.rooms, scheduled).map((c) => c.taskId);
        const key = (c: { taskId: string }) => c.taskId;
        expect(plan.candidates.map(key)).toEqual(expected);
        expect(plan.selection.selected.map(key)).toEqual(selectTaskInstancesToQueue(candidateWindow(plan.rooms, scheduled), plan.snapshot).selected.map(key));
      }),
      propertyParams(driver === "postgres" ? 60 : 30),
    );
  }, 300_000);
});
