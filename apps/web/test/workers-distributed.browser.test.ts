// The workers page while a distributed run is going: a standalone with the distributed executor on
// a fresh Postgres database, two real `updraft worker` processes taking its tasks from Redis, and
// the page showing both online and working, without a reload.
import { createDagRun, migrate, wakeScheduler, type UpdraftDatabase } from "@updraft/db";
import { createTestDatabase, type TestDatabase } from "@updraft/db/testing";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, login, newPage, screenshot } from "./support/browser.ts";
import { ADMIN_PASSWORD, makeDagsFolder, startStandalone, startWorker, waitFor, type Standalone } from "./support/standalone.ts";

const SLOW_WIDE = `import { bash, dag } from "@updraft/sdk";
export default dag({ dagId: "slow_wide" }, () => {
  for (let i = 0; i < 12; i++) bash({ taskId: "t" + i, command: "sleep 1.5" });
});`;

let testDb: TestDatabase;
let database: UpdraftDatabase;
let dags: ReturnType<typeof makeDagsFolder>;
let server: Standalone;
let browser: Browser;
let page: Page;
const workersStarted: Array<ReturnType<typeof startWorker>> = [];

beforeAll(async () => {
  testDb = await createTestDatabase("postgres");
  database = await testDb.open();
  await migrate(database);
  dags = makeDagsFolder([], { "slow_wide.ts": SLOW_WIDE });
  const env = {
    DATABASE_URL: testDb.databaseUrl!,
    UPDRAFT_EXECUTOR: "distributed",
    UPDRAFT_BROKER_PREFIX: `web-test-${process.pid}-${Date.now()}`,
    UPDRAFT_DAGS_FOLDER: dags.folder,
    UPDRAFT_WORKER_HEARTBEAT_SEC: "0.5",
  };
  [server, browser] = await Promise.all([startStandalone({ dagsFolder: dags.folder, env }), launchBrowser()]);
  workersStarted.push(startWorker("worker-one", env), startWorker("worker-two", env));
  page = await newPage(browser);
});

afterAll(async () => {
  await browser?.close();
  await Promise.all(workersStarted.map((w) => w.stop()));
  await server?.stop();
  await database?.close();
  await testDb?.drop();
  dags?.remove();
});

describe("workers page during a distributed run", () => {
  it("shows both workers online and busy while their tasks run", async () => {
    await login(page, server.url, "admin", ADMIN_PASSWORD, "/workers");
    const row = (name: string) => page.getByTestId(`worker-row-${name}`);
    await row("worker-one").waitFor({ timeout: 60_000 });
    await row("worker-two").waitFor({ timeout: 60_000 });

    await createDagRun(database.db, { dagId: "slow_wide", runId: "dist", runType: "manual", logicalDate: new Date() });
    await wakeScheduler(database.db);
    // Both workers report active tasks during the run, and the page shows it without a reload.
    await waitFor("both workers busy on the page", async () => {
      const statuses = await Promise.all(["worker-one", "worker-two"].map(async (n) => row(n).locator("[data-status]").getAttribute("data-status")));
      const busy = await Promise.all(["worker-one", "worker-two"].map((n) => row(n).locator(".meter").getAttribute("title")));
      return statuses.every((st) => st === "online") && busy.every((t) => /^[12] of 2 slots busy$/.test(t ?? ""));
    });
    expect(await page.getByTestId("workers-online").textContent()).toBe("2");
    await screenshot(page, "workers-distributed");
  });
});
