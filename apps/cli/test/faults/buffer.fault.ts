// A crash between a try's end and its flush (issue 8): a worker whose finished tries' outcomes sit
// in its OutcomeBuffer (Postgres is down, so the flush keeps failing) is SIGKILLed. Its broker jobs
// were never acknowledged and its tries are still `running` in the database, so they are found
// lost and retried: nothing lost, nothing recorded twice. The other worker's buffered outcomes are
// recorded when Postgres returns, once.
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { FaultHarness, fanOutDag, report } from "./fault-harness.ts";
import { expectCleanRun, sleep, startCluster } from "./common.ts";

const TASKS = 8;
let h: FaultHarness | undefined;
let done: string | undefined;
afterEach(async () => {
  if (process.env.UPDRAFT_TEST_DEBUG) console.log(h?.output);
  await h?.close();
  if (done) await Promise.all([rm(done, { recursive: true, force: true }), rm(`${done}.go`, { force: true })]);
  h = undefined;
});

describe("crash in the buffer", () => {
  it("a worker SIGKILLed with finished outcomes still buffered: its tries are retried, the other's recorded once", async () => {
    const doneDir = (done = await mkdtemp(join(tmpdir(), "updraft-fault-done-")));
    const gate = join(doneDir, "..", `${doneDir.split("/").pop()}.go`);
    // Each command waits at a gate (so every try is seen running, on any machine load), then ends
    // by dropping "<task>.<try>" in doneDir: the try finished, its outcome is in the buffer.
    const body = `while [ ! -e ${gate} ]; do sleep 0.05; done; touch ${doneDir}/$UPDRAFT_CTX_TASK_ID.$UPDRAFT_CTX_TRY_NUMBER`;
    h = await FaultHarness.create((m) => ({ "buf.ts": fanOutDag("buf", m, TASKS, body) }));
    const { workers } = await startCluster(h, ["w1", "w2"], TASKS / 2);
    await h.trigger("buf", "r1");
    await h.until("every task running on some worker", async () => (await h!.taskStates("buf", "r1")).filter((t) => t.state === "running").length === TASKS);
    const holders = new Map((await h.taskStates("buf", "r1")).map((t) => [t.taskId, t.workerName!]));
    const onW1 = [...holders].filter(([, w]) => w === "w1").map(([task]) => task);
    expect(onW1.length).toBeGreaterThan(0);

    await h.pg.stop("fast");
    await writeFile(gate, "");
    for (let i = 0; (await readdir(doneDir)).length < TASKS; i++) {
      if (i > 600) throw new Error(`the commands did not finish: ${(await readdir(doneDir)).join(",")}\n${h.output}`);
      await sleep(100);
    }
    await sleep(500); // past the 2 ms flush: each outcome has been handed to a flush that failed
    const killAt = Date.now();
    workers.get("w1")!.kill("SIGKILL");
    await h.pg.start();
    const upAt = Date.now();
    const state = await h.finished("buf", "r1");

    const history = await h.history("buf", "r1");
    const triesOf = (task: string) => history.filter((r) => r.taskId === task).sort((a, b) => a.tryNumber - b.tryNumber).map((r) => [r.tryNumber, r.state, r.workerName]);
    for (const [task, holder] of holders) {
      if (holder === "w1") expect(triesOf(task)).toEqual([[1, "failed", "w1"], [2, "success", "w2"]]);
      else expect(triesOf(task)).toEqual([[1, "success", "w2"]]);
    }
    const counts = await expectCleanRun(h, "buf", "r1", "success", { tries: TASKS + onW1.length, lost: onW1.length }, { except: [workers.get("w1")!] });
    report("crash-in-buffer", { state, killedWithBuffered: onW1.length, recordedAfterUp: TASKS - onW1.length, runEndAfterKillS: (Date.now() - killAt) / 1000, runEndAfterUpS: (Date.now() - upAt) / 1000, ...counts });
  });
});
