// The scheduler is SIGKILLed mid-run and a second one takes over: the run finishes, every task once.
import { afterEach, describe, it } from "vitest";
import { FaultHarness, fanOutDag, report } from "./fault-harness.ts";
import { expectCleanRun, startCluster } from "./common.ts";

let h: FaultHarness | undefined;
afterEach(async () => {
  if (process.env.UPDRAFT_TEST_DEBUG) console.log(h?.output);
  await h?.close();
  h = undefined;
});

describe("scheduler faults", () => {
  it("a SIGKILLed scheduler is replaced by a second one that finishes the run", async () => {
    h = await FaultHarness.create((m) => ({ "chain.ts": fanOutDag("fan", m, 10, "sleep 2") }));
    const { scheduler } = await startCluster(h, ["w1"], 2);
    await h.trigger("fan", "r1");
    await h.until("tries running", async () => (await h!.taskStates("fan", "r1")).some((t) => t.state === "running"));
    const killAt = Date.now();
    scheduler.kill("SIGKILL");
    h.start(["scheduler"]);
    const state = await h.finished("fan", "r1");
    const counts = await expectCleanRun(h, "fan", "r1", "success", { tries: 10, lost: 0 }, { except: [scheduler] });
    report("scheduler-sigkill", { state, runEndAfterKillS: (Date.now() - killAt) / 1000, ...counts });
  });
});
