// The OutcomeBuffer on real Postgres and on PGlite: many tries' outcomes share one flush (one
// statement, one NOTIFY naming their runs), each try is recorded exactly once (state, history row, XCom, log
// lines), a repeated report in the same flush and a late report of a try that is no longer the
// current one are refused and change nothing, and each promise settles only after its commit.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger, type RetryPolicy } from "@updraft/core";
import { dagRuns, migrate, parseWakePayload, recordTryBatch, SCHEDULER_CHANNEL, taskInstanceHistory, taskInstances, taskLogs, xcom, type UpdraftDatabase } from "@updraft/db";
import { createTestDatabase, type TestDatabase } from "@updraft/db/testing";
import { and, eq, sql } from "drizzle-orm";
import { OutcomeBuffer } from "../src/index.ts";

const policy: RetryPolicy = { retries: 1, retryDelayMs: 1_000, retryExponentialBackoff: false, maxRetryDelayMs: null };
const on = { hostname: "test-host", workerName: "buffer-test", pid: 4242 };
const N = 50;

describe.each(["postgres", "pglite"] as const)("on %s", (driver) => {
  let testDb: TestDatabase;
  let database: UpdraftDatabase;
  const payloads: string[] = [];

  beforeAll(async () => {
    testDb = await createTestDatabase(driver);
    database = await testDb.open();
    await migrate(database);
    await database.db.execute(sql`insert into dags (dag_id, fileloc, hash, serialized, last_parsed_at, is_paused) values ('d', 'd.ts', 'h', '{}'::jsonb, now(), false)`);
    await database.db.insert(dagRuns).values({ dagId: "d", runId: "r", runType: "manual", state: "running", logicalDate: new Date() });
    await database.db.insert(taskInstances).values(
      Array.from({ length: N }, (_, i) => ({ dagId: "d", runId: "r", taskId: `t${i}`, state: "queued" as const, tryNumber: 1, maxTries: 2 })),
    );
    await database.listen(SCHEDULER_CHANNEL, (payload) => payloads.push(payload));
  });

  afterAll(() => testDb?.drop());

  const key = (i: number, tryNumber = 1) => ({ dagId: "d", runId: "r", taskId: `t${i}`, tryNumber });

  describe("OutcomeBuffer", () => {
    it("records many tries once each in a few flushes with one wake-up per flush", async () => {
      const buffer = new OutcomeBuffer({ db: database.db, logger: silentLogger, flushMs: 20 });
      const marks = await Promise.all(Array.from({ length: N }, (_, i) => buffer.markRunning(key(i), on)));
      expect(marks.every(Boolean)).toBe(true);
      const flushesBefore = buffer.flushes;
      const finishes = await Promise.all(
        Array.from({ length: N }, (_, i) =>
          buffer.finish(key(i), i % 2 === 0 ? { result: "success", value: { i }, policy } : { result: "failed", error: "boom", policy }, [
            { ...key(i), stream: "log", line: `line of t${i}`, ts: new Date() },
          ]),
        ),
      );
      // Settled after commit: what the promises report is in the database now.
      expect(finishes.every((f) => f.accepted)).toBe(true);
      expect(finishes.filter((f) => f.state === "success")).toHaveLength(N / 2);
      expect(finishes.filter((f) => f.state === "up_for_retry")).toHaveLength(N / 2);
      const flushes = buffer.flushes - flushesBefore;
      expect(flushes).toBeLessThan(N / 5);
      const history = await database.db.select().from(taskInstanceHistory);
      expect(history).toHaveLength(N);
      expect(new Set(history.map((h) => h.taskId)).size).toBe(N);
      expect(await database.db.select().from(xcom)).toHaveLength(N / 2);
      expect(await database.db.select().from(taskLogs)).toHaveLength(N);
      const [t0] = await database.db.select().from(xcom).where(eq(xcom.taskId, "t0"));
      expect(t0!.value).toEqual({ i: 0 });
      // One NOTIFY per flush of finished tries, each naming the run.
      await new Promise((r) => setTimeout(r, 200));
      const named = payloads.map(parseWakePayload);
      expect(named.length).toBe(flushes);
      expect(named.every((runs) => runs?.some((r) => r.dagId === "d" && r.runId === "r"))).toBe(true);
      await buffer.close();
    });

    it("refuses a repeated report in one flush and a late report of an old try: nothing is recorded twice", async () => {
      const buffer = new OutcomeBuffer({ db: database.db, logger: silentLogger, flushMs: 20 });
      // t1 is up_for_retry after try 1: its try 2 is queued, then running.
      await database.db.update(taskInstances).set({ state: "queued", tryNumber: 2 }).where(eq(taskInstances.taskId, "t1"));
      expect(await buffer.markRunning(key(1, 2), on)).toBe(true);
      const [twice1, twice2, late] = await Promise.all([
        buffer.finish(key(1, 2), { result: "success", value: 1, policy }),
        buffer.finish(key(1, 2), { result: "failed", error: "again", policy }),
        buffer.finish(key(1, 1), { result: "success", value: "late", policy }),
      ]);
      expect(twice1).toEqual({ accepted: true, state: "success" });
      expect(twice2).toEqual({ accepted: false });
      expect(late).toEqual({ accepted: false });
      const tries = await database.db.select().from(taskInstanceHistory).where(eq(taskInstanceHistory.taskId, "t1")).orderBy(taskInstanceHistory.tryNumber);
      expect(tries.map((t) => [t.tryNumber, t.state])).toEqual([
        [1, "failed"],
        [2, "success"],
      ]);
      const [ti] = await database.db.select().from(taskInstances).where(and(eq(taskInstances.taskId, "t1")));
      expect(ti).toMatchObject({ state: "success", tryNumber: 2 });
      // A running-mark of a try that is not queued any more is refused too.
      expect(await buffer.markRunning(key(1, 2), on)).toBe(false);
      await buffer.close();
    });

    it("writes a batch the database refuses one by one: a value it cannot store fails only its own try, a line it cannot store is dropped", async () => {
      await database.db.insert(taskInstances).values(
        ["p0", "p1", "p2"].map((taskId) => ({ dagId: "d", runId: "r", taskId, state: "queued" as const, tryNumber: 1, maxTries: 2 })),
      );
      const buffer = new OutcomeBuffer({ db: database.db, logger: silentLogger, flushMs: 20 });
      const k = (taskId: string) => ({ dagId: "d", runId: "r", taskId, tryNumber: 1 });
      expect(await Promise.all(["p0", "p1", "p2"].map((t) => buffer.markRunning(k(t), on)))).toEqual([true, true, true]);
      const line = (taskId: string, text: string) => ({ ...k(taskId), stream: "log" as const, line: text, ts: new Date() });
      const [ok, poisoned, failed] = await Promise.all([
        buffer.finish(k("p0"), { result: "success", value: "fine", policy }, [line("p0", "bad \u0000 line")]),
        buffer.finish(k("p1"), { result: "success", value: "nul \u0000 inside", policy }),
        buffer.finish(k("p2"), { result: "failed", error: "boom", policy }, [line("p2", "good line")]),
      ]);
      expect(ok).toEqual({ accepted: true, state: "success" });
      expect(poisoned).toEqual({ accepted: true, state: "up_for_retry" });
      expect(failed).toEqual({ accepted: true, state: "up_for_retry" });
      const [p0] = await database.db.select().from(xcom).where(eq(xcom.taskId, "p0"));
      expect(p0!.value).toBe("fine");
      expect(await database.db.select().from(xcom).where(eq(xcom.taskId, "p1"))).toHaveLength(0);
      const [h1] = await database.db.select().from(taskInstanceHistory).where(eq(taskInstanceHistory.taskId, "p1"));
      expect(h1).toMatchObject({ state: "failed" });
      expect(h1!.error).toMatch(/outcome could not be stored/);
      const lines = await database.db.select().from(taskLogs).where(and(eq(taskLogs.runId, "r"), sql`${taskLogs.taskId} in ('p0', 'p2')`));
      expect(lines.map((l) => [l.taskId, l.line])).toEqual([["p2", "good line"]]);
      await buffer.close();
    });

    it("fails the last try (no retry left), records its duration, and writes a running-mark and a finish given in one batch", async () => {
      await database.db.update(taskInstances).set({ state: "queued", tryNumber: 2 }).where(eq(taskInstances.taskId, "t3"));
      const started = new Date(Date.now() - 1_500);
      const result = await recordTryBatch(database.db, {
        running: [{ key: key(3, 2), on, at: started }],
        finished: [{ key: key(3, 2), end: { result: "failed", error: "last", policy }, at: new Date(started.getTime() + 1_500) }],
        logs: [{ ...key(3, 2), stream: "stderr", line: "boom", ts: new Date() }],
      });
      expect(result).toEqual({ running: [true], finished: [{ accepted: true, state: "failed" }] });
      const [ti] = await database.db.select().from(taskInstances).where(eq(taskInstances.taskId, "t3"));
      expect(ti).toMatchObject({ state: "failed", tryNumber: 2, nextRetryAt: null, hostname: "test-host", pid: 4242 });
      expect(ti!.duration).toBeCloseTo(1.5, 3);
      const [h] = await database.db.select().from(taskInstanceHistory).where(and(eq(taskInstanceHistory.taskId, "t3"), eq(taskInstanceHistory.tryNumber, 2)));
      expect(h).toMatchObject({ state: "failed", error: "last", workerName: "buffer-test", pool: ti!.pool, queue: ti!.queue });
      expect(h!.duration).toBeCloseTo(1.5, 3);
      expect(await database.db.select().from(taskLogs).where(and(eq(taskLogs.taskId, "t3"), eq(taskLogs.tryNumber, 2)))).toHaveLength(1);
    });
  });
});
