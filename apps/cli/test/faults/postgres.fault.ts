// Postgres goes away under a running fan-out: a fast restart (every session ends with 57P01) and
// a 60 s outage. No process may die, every task runs exactly once, and each process logs the
// outage once and its end once.
import { afterEach, describe, expect, it } from "vitest";
import { FaultHarness, fanOutDag, report } from "./fault-harness.ts";
import { expectCleanRun, sleep, startCluster } from "./common.ts";

let h: FaultHarness | undefined;
afterEach(async () => {
  if (process.env.UPDRAFT_TEST_DEBUG) console.log(h?.output);
  await h?.close();
  h = undefined;
});

async function outageDuringRun(name: string, downMs: number) {
  h = await FaultHarness.create((m) => ({ "fan.ts": fanOutDag("fan", m, 12, "sleep 3") }));
  await startCluster(h, ["w1", "w2"]);
  await h.trigger("fan", "r1");
  await h.until("tries running", async () => (await h!.taskStates("fan", "r1")).some((t) => t.state === "running"));
  const downAt = Date.now();
  await h.pg.stop("fast");
  await sleep(downMs);
  await h.pg.start();
  const upAt = Date.now();
  const state = await h.finished("fan", "r1");
  const doneAt = Date.now();
  const counts = await expectCleanRun(h, "fan", "r1", "success", { tries: 12, lost: 0 });
  // One "unreachable" and one "back" line per process that noticed, never one per retry.
  const down = h.lines(/Postgres unreachable/);
  const back = h.lines(/Postgres is back/);
  expect(down.length).toBeGreaterThan(0);
  expect(down.length).toBeLessThanOrEqual(3);
  expect(back.length).toBe(down.length);
  report(name, { state, downS: (upAt - downAt) / 1000, runEndAfterUpS: (doneAt - upAt) / 1000, ...counts, logLinesDown: down.length, logLinesBack: back.length });
}

describe("Postgres faults", () => {
  it("a fast restart mid-run (57P01 on every session) kills no process and runs every task once", async () => {
    await outageDuringRun("postgres-restart", 3_000);
  });

  it("a 60 s outage mid-run: everyone waits, then resumes by itself; tries finished meanwhile are recorded", async () => {
    await outageDuringRun("postgres-down-60s", 60_000);
  });
});
