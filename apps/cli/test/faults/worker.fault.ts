// A worker dies (SIGKILL) or freezes (SIGSTOP) while it runs a try: the try is found lost in
// seconds, retried on the other worker, the dead worker's command (and its process group) does not
// outlive it, and a frozen worker's late result is refused.
import { afterEach, describe, expect, it } from "vitest";
import { taskInstanceHistory, taskInstances } from "@updraft/db";
import { and, eq } from "drizzle-orm";
import { FaultHarness, fanOutDag, isAlive, report } from "./fault-harness.ts";
import { expectCleanRun, sleep, startCluster } from "./common.ts";

let h: FaultHarness | undefined;
afterEach(async () => {
  if (process.env.UPDRAFT_TEST_DEBUG) console.log(h?.output);
  await h?.close();
  h = undefined;
});

async function holderOf(h: FaultHarness, dagId: string, runId: string, taskId: string) {
  const [row] = await h.database.db
    .select()
    .from(taskInstances)
    .where(and(eq(taskInstances.dagId, dagId), eq(taskInstances.runId, runId), eq(taskInstances.taskId, taskId)));
  return row;
}

async function triesOf(h: FaultHarness, dagId: string, runId: string) {
  return h.database.db
    .select()
    .from(taskInstanceHistory)
    .where(and(eq(taskInstanceHistory.dagId, dagId), eq(taskInstanceHistory.runId, runId)))
    .orderBy(taskInstanceHistory.tryNumber);
}

describe("worker faults", () => {
  it("a SIGKILLed worker's try is retried on another worker, and its command dies with it", async () => {
    h = await FaultHarness.create((m) => ({ "long.ts": fanOutDag("long", m, 1, "sleep 12; echo finished") }));
    const { workers } = await startCluster(h, ["w1", "w2"], 1);
    await h.trigger("long", "kill");
    await h.until("try 1 running and its command started", async () => (await holderOf(h!, "long", "kill", "t0"))?.state === "running" && (await h!.sideEffects()).has("t0"));
    const holder = (await holderOf(h, "long", "kill", "t0"))!.workerName!;
    const victim = workers.get(holder)!;
    const [first] = (await h.sideEffects()).get("t0")!;
    expect(isAlive(first!.pid)).toBe(true);
    const killAt = Date.now();
    victim.kill("SIGKILL");
    let orphanGoneAt = 0;
    await h.until("the dead worker's command gone", async () => {
      if (isAlive(first!.pid)) return false;
      orphanGoneAt = Date.now();
      return true;
    });
    await h.until("try 2 started", async () => (await holderOf(h!, "long", "kill", "t0"))!.tryNumber === 2);
    const state = await h.finished("long", "kill");
    const tries = await triesOf(h, "long", "kill");
    expect(tries.map((t) => [t.tryNumber, t.state, t.workerName])).toEqual([
      [1, "failed", holder],
      [2, "success", holder === "w1" ? "w2" : "w1"],
    ]);
    expect(tries[0]!.error).toContain("the try was lost");
    const counts = await expectCleanRun(h, "long", "kill", "success", { tries: 2, lost: 1 }, { except: [victim] });
    report("worker-sigkill", {
      state,
      lostAfterS: (tries[0]!.endDate!.getTime() - killAt) / 1000,
      retryStartedAfterS: (tries[1]!.startDate!.getTime() - killAt) / 1000,
      orphanGoneAfterS: (orphanGoneAt - killAt) / 1000,
      ...counts,
    });
  });

  it("a worker frozen past the threshold loses its try; thawed, its late result is refused", async () => {
    h = await FaultHarness.create((m) => ({ "long.ts": fanOutDag("long", m, 1, "sleep 8; echo finished") }));
    const { workers } = await startCluster(h, ["w1", "w2"], 1);
    await h.trigger("long", "freeze");
    await h.until("try 1 running", async () => (await holderOf(h!, "long", "freeze", "t0"))?.state === "running" && (await h!.sideEffects()).has("t0"));
    const holder = (await holderOf(h, "long", "freeze", "t0"))!.workerName!;
    const frozen = workers.get(holder)!;
    const stopAt = Date.now();
    frozen.kill("SIGSTOP");
    const state = await h.finished("long", "freeze");
    const tries = await triesOf(h, "long", "freeze");
    frozen.kill("SIGCONT");
    await h.until("the late result refused", async () => /try result refused/.test(h!.output));
    await sleep(1_000);
    expect(await holderOf(h, "long", "freeze", "t0")).toMatchObject({ state: "success", tryNumber: 2 });
    expect(tries.map((t) => [t.tryNumber, t.state])).toEqual([
      [1, "failed"],
      [2, "success"],
    ]);
    const counts = await expectCleanRun(h, "long", "freeze", "success", { tries: 2, lost: 1 });
    report("worker-sigstop", { state, lostAfterS: (tries[0]!.endDate!.getTime() - stopAt) / 1000, ...counts });
  });
});
