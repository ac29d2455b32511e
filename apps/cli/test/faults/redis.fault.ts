// Redis is killed and restarted empty (no persistence): queued tries are re-sent as soon as the
// scheduler notices the reconnect, running tries go on, and every task runs exactly once. The
// webserver stays up: /api/v1/health names the broker unhealthy while Redis is away, it logs the
// outage once and its end once, and its queue board reads the new Redis afterwards.
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { FaultHarness, fanOutDag, report } from "./fault-harness.ts";
import { expectCleanRun, linesOf, sleep, startCluster, startWebserver } from "./common.ts";

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
    const web = await startWebserver(h);
    expect((await web.health()).body.broker?.status).toBe("healthy");
    await h.trigger("fan", "r1");
    await h.until("2 running, 6 queued", async () => {
      const tis = await h!.taskStates("fan", "r1");
      return tis.filter((t) => t.state === "running").length === 2 && tis.filter((t) => t.state === "queued").length === 6;
    });
    const downAt = Date.now();
    await h.redis.kill();
    const killedAt = Date.now();
    let downHealth: unknown;
    await h.until(
      "/api/v1/health to report the broker unhealthy",
      async () => {
        const res = await web.health();
        downHealth = res.body;
        return res.status === 200 && res.body.broker?.status === "unhealthy" && res.body.metadatabase?.status === "healthy";
      },
      30_000,
    );
    const redAt = Date.now();
    await sleep(Math.max(0, 3_000 - (Date.now() - killedAt)));
    await h.redis.start();
    const upAt = Date.now();
    await h.until("/api/v1/health green again", async () => (await web.health()).body.broker?.status === "healthy", 60_000);
    const greenAt = Date.now();
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
    const webDown = linesOf(h, web.process, /Redis unreachable/);
    const webBack = linesOf(h, web.process, /Redis is back/);
    expect(webDown).toHaveLength(1);
    expect(webBack).toHaveLength(1);
    // The queue board (bull-board) reads the restarted Redis: the re-sent queue is there.
    const board = await web.get("/queues/api/queues");
    expect(board.status).toBe(200);
    expect((board.body as { queues: Array<{ name: string }> }).queues.map((q) => q.name)).toContain("default");
    report("redis-restart-empty", {
      state,
      downS: (upAt - downAt) / 1000,
      resentAfterUpS: (resentAt - upAt) / 1000,
      runEndAfterUpS: (Date.now() - upAt) / 1000,
      healthRedAfterKillS: (redAt - killedAt) / 1000,
      healthGreenAfterUpS: (greenAt - upAt) / 1000,
      ...counts,
    });
    console.log(`[fault] redis-restart-empty health while down: ${JSON.stringify(downHealth)}`);
    console.log(`[fault] redis-restart-empty webserver log:\n${webDown[0]}\n${webBack[0]}`);
  });
});
