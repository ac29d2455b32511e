// Redis is killed and restarted empty (no persistence): queued tries are re-sent as soon as the
// scheduler notices the reconnect, running tries go on, and every task runs exactly once.
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { FaultHarness, fanOutDag, report } from "./fault-harness.ts";
import { expectCleanRun, sleep, startCluster } from "./common.ts";

let h: FaultHarness | undefined;
afterEach(async () => {
  if (process.env.UPDRAFT_TEST_DEBUG) console.log(h?.output);
  await h?.close();
  h = undefined;
});

describe("Redis faults", () => {
  it("killed and restarted empty mid-run: queued tries re-sent after the reconnect, running ones go on, each task once", async () => {
    // 8 tries, 2 slots: while 2 run, 6 wait in Redis and are lost with it.
    h = await FaultHarness.create((m) => ({ "fan.ts": fanOutDag("fan", m, 8, "sleep 4") }));
    await startCluster(h, ["w1"], 2);
    await h.trigger("fan", "r1");
    await h.until("2 running, 6 queued", async () => {
      const tis = await h!.taskStates("fan", "r1");
      return tis.filter((t) => t.state === "running").length === 2 && tis.filter((t) => t.state === "queued").length === 6;
    });
    const downAt = Date.now();
    await h.redis.kill();
    await sleep(3_000);
    await h.redis.start();
    const upAt = Date.now();
    // The re-sent jobs: waiting again in the new, empty Redis (or already taken by the worker).
    const probe = new Redis(h.redis.url, { maxRetriesPerRequest: null });
    let resentAt = 0;
    await h.until("queued tries re-sent", async () => {
      const queued = (await h!.taskStates("fan", "r1")).filter((t) => t.state === "queued").length;
      const inRedis = (await probe.llen("updraft:default:wait")) + (await probe.llen("updraft:default:active"));
      if (queued > 0 && inRedis === 0) return false;
      resentAt = Date.now();
      return true;
    });
    probe.disconnect();
    const state = await h.finished("fan", "r1");
    const counts = await expectCleanRun(h, "fan", "r1", "success", { tries: 8, lost: 0 });
    expect(h.lines(/Redis unreachable/).length).toBeGreaterThan(0);
    report("redis-restart-empty", { state, downS: (upAt - downAt) / 1000, resentAfterUpS: (resentAt - upAt) / 1000, runEndAfterUpS: (Date.now() - upAt) / 1000, ...counts });
  });
});
