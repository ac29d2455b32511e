// CPU starvation: busy-loop competitors hog every core while two workers at the default
// concurrency (16) run a 30-task fan-out that only sleeps. Slow, never lost: 30/30, one try each.
import { spawn, type ChildProcess } from "node:child_process";
import { availableParallelism } from "node:os";
import { afterEach, describe, it } from "vitest";
import { FaultHarness, fanOutDag, report } from "./fault-harness.ts";
import { expectCleanRun, startCluster } from "./common.ts";

let h: FaultHarness | undefined;
const hogs: ChildProcess[] = [];
afterEach(async () => {
  for (const hog of hogs.splice(0)) hog.kill("SIGKILL");
  if (process.env.UPDRAFT_TEST_DEBUG) console.log(h?.output);
  await h?.close();
  h = undefined;
});

describe("CPU starvation", () => {
  it("a sleeping fan-out under busy-loop competitors ends 30/30 with no false loss", async () => {
    h = await FaultHarness.create((m) => ({ "fan.ts": fanOutDag("fan", m, 30, "sleep 3") }));
    await startCluster(h, ["w1", "w2"], 16);
    // Two busy loops per core, at normal priority, like other tenants of an overloaded machine.
    for (let i = 0; i < 2 * availableParallelism(); i++) hogs.push(spawn(process.execPath, ["-e", "for(;;){}"], { stdio: "ignore" }));
    const startAt = Date.now();
    await h.trigger("fan", "r1");
    const state = await h.finished("fan", "r1");
    const counts = await expectCleanRun(h, "fan", "r1", "success", { tries: 30, lost: 0 });
    report("cpu-starvation", { state, hogs: hogs.length, runS: (Date.now() - startAt) / 1000, ...counts });
  });
});
