// Postgres goes away under a running fan-out: a fast restart (every session ends with 57P01) and
// a 60 s outage. No process may die, every task runs exactly once, and each process logs the
// outage once and its end once. The webserver stays up throughout: /api/v1/health names the
// metadatabase unhealthy while it is away, the API answers 503 (not 500), and once Postgres is
// back the health turns green and users can log in and read again.
import type { ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { FaultHarness, fanOutDag, report } from "./fault-harness.ts";
import { expectCleanRun, linesOf, sleep, startCluster, startWebserver, webClient } from "./common.ts";
import { freePort } from "./servers.ts";

let h: FaultHarness | undefined;
let home: string | undefined;
afterEach(async () => {
  if (process.env.UPDRAFT_TEST_DEBUG) console.log(h?.output);
  await h?.close();
  h = undefined;
  if (home) await rm(home, { recursive: true, force: true });
  home = undefined;
});

async function outageDuringRun(name: string, downMs: number) {
  h = await FaultHarness.create((m) => ({ "fan.ts": fanOutDag("fan", m, 12, "sleep 3") }));
  const { scheduler, workers } = await startCluster(h, ["w1", "w2"]);
  const web = await startWebserver(h);
  expect((await web.health()).body.metadatabase?.status).toBe("healthy");
  await h.trigger("fan", "r1");
  await h.until("tries running", async () => (await h!.taskStates("fan", "r1")).some((t) => t.state === "running"));
  const downAt = Date.now();
  await h.pg.stop("fast");
  const stoppedAt = Date.now();
  // The webserver answers its health while Postgres is away, and says which dependency is down.
  let downHealth: unknown;
  await h.until(
    "/api/v1/health to report the metadatabase unhealthy",
    async () => {
      const res = await web.health();
      downHealth = res.body;
      return res.status === 200 && res.body.metadatabase?.status === "unhealthy";
    },
    30_000,
  );
  const redAt = Date.now();
  const during = await web.get("/api/v1/dags");
  expect(during.status).toBe(503);
  expect(during.body).toMatchObject({ status: 503, type: "UPDRAFT_DB_UNAVAILABLE" });
  await sleep(Math.max(0, downMs - (Date.now() - stoppedAt)));
  await h.pg.start();
  const upAt = Date.now();
  await h.until("/api/v1/health green again", async () => (await web.health()).body.metadatabase?.status === "healthy", 60_000);
  const greenAt = Date.now();
  // The API works again without a restart: a login (the session is a row in Postgres) and a read.
  const login = await web.login();
  expect(login.status).toBe(303);
  expect(login.cookie).toBeDefined();
  const dags = await web.get("/api/v1/dags");
  expect(dags.status).toBe(200);
  expect((dags.body as { dags: Array<{ dag_id: string }> }).dags.map((d) => d.dag_id)).toContain("fan");

  const state = await h.finished("fan", "r1");
  const doneAt = Date.now();
  const counts = await expectCleanRun(h, "fan", "r1", "success", { tries: 12, lost: 0 });
  // One "unreachable" and one "back" line per process that noticed, never one per retry; the
  // webserver (polled throughout) noticed.
  const processes: Array<[string, ChildProcess]> = [["scheduler", scheduler], ...[...workers].map(([n, p]) => [n, p] as [string, ChildProcess]), ["webserver", web.process]];
  for (const [who, child] of processes) {
    const down = linesOf(h, child, /Postgres unreachable/);
    const back = linesOf(h, child, /Postgres is back/);
    expect(down.length, `${who}: ${down.join("\n")}`).toBeLessThanOrEqual(1);
    expect(back.length, `${who}: ${back.join("\n")}`).toBe(down.length);
  }
  const webDown = linesOf(h, web.process, /Postgres unreachable/);
  const webBack = linesOf(h, web.process, /Postgres is back/);
  expect(webDown).toHaveLength(1);
  expect(webBack).toHaveLength(1);
  const down = h.lines(/Postgres unreachable/);
  report(name, {
    state,
    downS: (upAt - downAt) / 1000,
    runEndAfterUpS: (doneAt - upAt) / 1000,
    healthRedAfterStopS: (redAt - stoppedAt) / 1000,
    healthGreenAfterUpS: (greenAt - upAt) / 1000,
    ...counts,
    logLinesDown: down.length,
    logLinesBack: h.lines(/Postgres is back/).length,
  });
  console.log(`[fault] ${name} health while down: ${JSON.stringify(downHealth)}`);
  console.log(`[fault] ${name} webserver log:\n${webDown[0]}\n${webBack[0]}`);
}

describe("Postgres faults", () => {
  it("a fast restart mid-run (57P01 on every session) kills no process and runs every task once", async () => {
    await outageDuringRun("postgres-restart", 3_000);
  });

  it("a 60 s outage mid-run: everyone waits, then resumes by itself; tries finished meanwhile are recorded", async () => {
    await outageDuringRun("postgres-down-60s", 60_000);
  });

  it("`updraft standalone` on an external Postgres (DATABASE_URL) runs through a fast restart: health, one line each way, the run and the API", async () => {
    h = await FaultHarness.create((m) => ({ "fan.ts": fanOutDag("fan", m, 8, "sleep 3") }));
    home = await mkdtemp(join(tmpdir(), "updraft-fault-standalone-"));
    const port = await freePort();
    const admin = { username: "admin", password: "standalone-fault-password" };
    const standalone = h.start(["standalone"], { UPDRAFT_EXECUTOR: "local", UPDRAFT_HOME: home, UPDRAFT_WEB_PORT: String(port), UPDRAFT_ADMIN_PASSWORD: admin.password, UPDRAFT_PARALLELISM: "4" });
    await h.until("standalone running", async () => /Updraft standalone is running/.test(h!.output));
    const web = webClient(`http://127.0.0.1:${port}`, admin);
    await h.trigger("fan", "r1");
    await h.until("tries running", async () => (await h!.taskStates("fan", "r1")).some((t) => t.state === "running"));
    const downAt = Date.now();
    await h.pg.stop("fast");
    const stoppedAt = Date.now();
    await h.until("/api/v1/health to report the metadatabase unhealthy", async () => (await web.health()).body.metadatabase?.status === "unhealthy", 30_000);
    const redAt = Date.now();
    await sleep(Math.max(0, 3_000 - (Date.now() - stoppedAt)));
    await h.pg.start();
    const upAt = Date.now();
    await h.until("/api/v1/health green again", async () => (await web.health()).body.metadatabase?.status === "healthy", 60_000);
    const greenAt = Date.now();
    const state = await h.finished("fan", "r1");
    const counts = await expectCleanRun(h, "fan", "r1", "success", { tries: 8, lost: 0 });
    expect((await web.login()).status).toBe(303);
    expect((await web.get("/api/v1/dags")).status).toBe(200);
    const down = linesOf(h, standalone, /Postgres unreachable/);
    const back = linesOf(h, standalone, /Postgres is back/);
    expect(down).toHaveLength(1);
    expect(back).toHaveLength(1);
    report("standalone-postgres-restart", {
      state,
      downS: (upAt - downAt) / 1000,
      healthRedAfterStopS: (redAt - stoppedAt) / 1000,
      healthGreenAfterUpS: (greenAt - upAt) / 1000,
      runEndAfterUpS: (Date.now() - upAt) / 1000,
      ...counts,
    });
    console.log(`[fault] standalone-postgres-restart log:\n${down[0]}\n${back[0]}`);
  });
});
