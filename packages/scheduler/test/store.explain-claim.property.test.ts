// "Why waiting" tells the truth through the real stores (issue 10, item 13), on Postgres and
// PGlite: for random installations written to the database (DAGs paused or not, with max active
// tasks; tasks with maxActiveTisPerDag; pools, a missing one among them; runs running or queued;
// task instances scheduled, queued, running or finished), explainTaskInstance (what the API's
// "why waiting" answers) calls a scheduled task instance "ready; every limit has room" exactly
// when the next claimTaskInstances queues it, and nothing it calls paused or blocked is queued.
// Then passes repeated (queued task instances run and finish between passes) queue every task
// instance ever called ready. The pure property (decisions.explain-claim.property.test.ts) covers
// many more worlds; this one holds the stores (their SQL and the readers between) to it.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashSerializedDag, type SerializedDag, type SerializedTask } from "@updraft/core";
import { migrate, syncDags, type UpdraftDatabase } from "@updraft/db";
import { createTestDatabase, type TestDatabase } from "@updraft/db/testing";
import { sql } from "drizzle-orm";
import { claimTaskInstances, DagCache, explainTaskInstance } from "../src/index.ts";
import { propertyParams } from "./support/property-params.ts";

const LIMITS = { maxActiveTasksPerDag: 16, maxActiveRunsPerDag: 16 };

const worldArb = fc.record({
  parallelism: fc.integer({ min: 1, max: 8 }),
  dags: fc.array(
    fc.record({ isPaused: fc.oneof({ weight: 1, arbitrary: fc.constant(true) }, { weight: 3, arbitrary: fc.constant(false) }), maxActiveTasks: fc.integer({ min: 0, max: 4 }) }),
    { minLength: 1, maxLength: 3 },
  ),
  pools: fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 3 }),
  runs: fc.array(fc.record({ dag: fc.nat(), running: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }), day: fc.integer({ min: 1, max: 5 }) }), {
    minLength: 1,
    maxLength: 4,
  }),
  tis: fc.array(
    fc.record({
      run: fc.nat(),
      state: fc.constantFrom("scheduled", "scheduled", "scheduled", "queued", "running", "success"),
      pool: fc.nat({ max: 3 }), // 3 names a pool that does not exist
      poolSlots: fc.integer({ min: 1, max: 3 }),
      priorityWeight: fc.integer({ min: 1, max: 3 }),
      maxActiveTisPerDag: fc.oneof(fc.constant(null), fc.integer({ min: 0, max: 2 })),
    }),
    { minLength: 1, maxLength: 14 },
  ),
});
type World = typeof worldArb extends fc.Arbitrary<infer W> ? W : never;

/**
 * A world fast-check runs before the random ones (its `examples`): t00 is ready (an unpaused DAG's
 * running run, a pool with room) and t01 is not (its DAG is paused). Most random worlds have no
 * ready task instance: a probe of worldArb under fc.assert (2,000 seeds of 10 runs) found 79% of
 * worlds without even a plausibly ready one, and all 10 without one for 9% of seeds, which is how
 * CI failed. So the check that the property is not vacuous rests on this world, not on chance.
 */
const READY_AND_PAUSED: World = {
  parallelism: 8,
  dags: [
    { isPaused: false, maxActiveTasks: 4 },
    { isPaused: true, maxActiveTasks: 4 },
  ],
  pools: [5],
  runs: [
    { dag: 0, running: true, day: 1 },
    { dag: 1, running: true, day: 1 },
  ],
  tis: [
    { run: 0, state: "scheduled", pool: 0, poolSlots: 1, priorityWeight: 1, maxActiveTisPerDag: null },
    { run: 1, state: "scheduled", pool: 0, poolSlots: 1, priorityWeight: 1, maxActiveTisPerDag: null },
  ],
};

const task = (taskId: string, pool: string, poolSlots: number, priorityWeight: number, maxActiveTisPerDag: number | null): SerializedTask => ({
  taskId,
  kind: "task",
  upstream: [],
  inputs: {},
  bashCommand: null,
  retries: 0,
  retryDelayMs: 0,
  retryExponentialBackoff: false,
  maxRetryDelayMs: null,
  executionTimeoutMs: null,
  queue: "default",
  pool,
  poolSlots,
  priorityWeight,
  triggerRule: "all_success",
  sensor: null,
  doc: null,
  maxActiveTisPerDag,
});

describe.each(["postgres", "pglite"] as const)("why waiting and the claim agree through the stores (%s)", (driver) => {
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

  // Writes the world; returns the scheduled task instances' keys.
  async function write(w: World) {
    const db = database.db;
    for (const table of ["task_instances", "dag_runs", "dags", "pools"]) await db.execute(sql.raw(`delete from ${table}`));
    const poolNames = w.pools.map((_, i) => (i === 0 ? "default_pool" : `pool${i}`));
    for (const [i, slots] of w.pools.entries()) await db.execute(sql`insert into pools (name, slots) values (${poolNames[i]}, ${slots})`);
    const runs = w.runs.map((r, i) => ({ dagId: `dag${r.dag % w.dags.length}`, runId: `run${i}`, running: r.running, logicalDate: new Date(Date.UTC(2026, 0, r.day)) }));
    // Task ids are unique across DAGs; a DAG defines the tasks of every instance in its runs.
    const tis = w.tis.map((t, i) => {
      const run = runs[t.run % runs.length]!;
      return { ...t, ...run, taskId: `t${String(i).padStart(2, "0")}`, state: run.running ? t.state : "scheduled", pool: t.pool < poolNames.length ? poolNames[t.pool]! : "missing_pool" };
    });
    const serialized = w.dags.map((d, i): SerializedDag => ({
      dagId: `dag${i}`,
      fileloc: `dag${i}.ts`,
      description: null,
      schedule: null,
      startDate: null,
      catchup: false,
      maxActiveRuns: null,
      maxActiveTasks: d.maxActiveTasks,
      tags: [],
      params: {},
      tasks: tis.filter((t) => t.dagId === `dag${i}`).map((t) => task(t.taskId, t.pool, t.poolSlots, t.priorityWeight, t.maxActiveTisPerDag)),
    }));
    await syncDags(db, { dags: serialized.map((s) => ({ serialized: s, hash: hashSerializedDag(s) })), importErrors: [], parsedAt: new Date(), pausedAtCreation: false });
    for (const [i, d] of w.dags.entries()) if (d.isPaused) await db.execute(sql`update dags set is_paused = true where dag_id = ${`dag${i}`}`);
    for (const r of runs) {
      await db.execute(sql`insert into dag_runs (dag_id, run_id, run_type, state, conf, logical_date)
        values (${r.dagId}, ${r.runId}, 'manual', ${r.running ? "running" : "queued"}, '{}'::jsonb, ${r.logicalDate.toISOString()}::timestamptz)`);
    }
    for (const t of tis) {
      await db.execute(sql`insert into task_instances (dag_id, run_id, task_id, state, try_number, max_tries, queue, pool, pool_slots, priority_weight)
        values (${t.dagId}, ${t.runId}, ${t.taskId}, ${t.state}, 0, 1, 'default', ${t.pool}, ${t.poolSlots}, ${t.priorityWeight})`);
    }
  }

  const scheduledKeys = async () =>
    (await database.db.execute<{ dag_id: string; run_id: string; task_id: string }>(sql`select dag_id, run_id, task_id from task_instances where state = 'scheduled' order by task_id`)).rows.map(
      (r) => ({ dagId: r.dag_id, runId: r.run_id, taskId: r.task_id }),
    );

  it("for random installations: ready is queued by the next claim, nothing else is, and repeated passes queue every ready one", async () => {
    // Not vacuous: over all worlds (READY_AND_PAUSED among them), some task instances were called
    // ready and some were not.
    const seen = { ready: 0, other: 0 };
    // What the non-ready ones were told, by message, for the failure message of the check below.
    const told = new Map<string, number>();
    const params: fc.Parameters<[World]> = { ...propertyParams<[World]>(driver === "postgres" ? 15 : 10), examples: [[READY_AND_PAUSED]] };
    await fc.assert(
      fc.asyncProperty(worldArb, async (w) => {
        const db = database.db;
        await write(w);
        const limits = { parallelism: w.parallelism, ...LIMITS };
        const cache = new DagCache();
        const everReady = new Set<string>();
        const everQueued = new Set<string>();
        for (let pass = 0; pass < w.tis.length; pass++) {
          const words = new Map<string, string>();
          for (const key of await scheduledKeys()) {
            words.set(key.taskId, (await explainTaskInstance(db, key, limits))!.map((e) => e.message).join(" | "));
          }
          const claim = await claimTaskInstances(db, await cache.refresh(db), { parallelism: w.parallelism, defaultMaxActiveTasks: LIMITS.maxActiveTasksPerDag, executorFreeSlots: Number.POSITIVE_INFINITY }, new Date());
          const queued = new Set(claim.queued.map((q) => q.taskId));
          for (const [taskId, text] of words) {
            const ready = text.includes("ready; every limit has room");
            // Pass, explanation and what the claim took: with the counterexample and seed fast-check prints, enough to replay it.
            const said = `pass ${pass}, ${taskId}: ${text} (the claim queued [${[...queued].join(", ")}]${claim.ran ? "" : ", and did not run"})`;
            expect(ready, said).toBe(queued.has(taskId));
            if (text.includes("paused") || text.includes("ready, but")) expect(queued.has(taskId), said).toBe(false);
            if (ready) everReady.add(taskId);
            seen[ready ? "ready" : "other"]++;
            if (!ready) {
              for (const message of text.split(" | ").map((m) => m.replace(/\d+/g, "#"))) told.set(message, (told.get(message) ?? 0) + 1);
            }
          }
          for (const id of queued) everQueued.add(id);
          // What was queued or running has run and finished by the next pass.
          await db.execute(sql`update task_instances set state = 'success' where state in ('queued', 'running')`);
          if (queued.size === 0 && pass > 0) break;
        }
        expect([...everQueued].sort()).toEqual([...everReady].sort());
      }),
      params,
    );
    // A replay (FC_PATH) runs one world only, which may well have no ready task instance.
    // Otherwise READY_AND_PAUSED ran, so a zero here means the stores called nothing ready there.
    if (params.path === undefined) {
      expect(seen.ready, `no task instance was ready in ${params.numRuns} worlds; the others were told: ${JSON.stringify([...told])}`).toBeGreaterThan(0);
      expect(seen.other).toBeGreaterThan(0);
    }
  }, 600_000);
});
