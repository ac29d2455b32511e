// The workers page (Flower's view) against a standalone on a fresh Postgres database: worker rows
// written the way `updraft worker` registers itself show up online or offline by heartbeat.
import { migrate, workers, type UpdraftDatabase } from "@updraft/db";
import { createTestDatabase, type TestDatabase } from "@updraft/db/testing";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, login, newPage, screenshot } from "./support/browser.ts";
import { ADMIN_PASSWORD, EXAMPLE_DAGS, startStandalone, type Standalone } from "./support/standalone.ts";

let testDb: TestDatabase;
let database: UpdraftDatabase;
let server: Standalone;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  testDb = await createTestDatabase("postgres");
  database = await testDb.open();
  await migrate(database);
  [server, browser] = await Promise.all([startStandalone({ dagsFolder: EXAMPLE_DAGS, env: { DATABASE_URL: testDb.databaseUrl! } }), launchBrowser()]);
  page = await newPage(browser);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await testDb?.drop();
});

describe("workers page", () => {
  it("lists registered workers, online by fresh heartbeat and offline when stale, live", async () => {
    const now = Date.now();
    const base = { queues: ["default"], concurrency: 16, startedAt: new Date(now - 2 * 3_600_000) };
    await database.db.insert(workers).values([
      { ...base, name: "worker-a@host-1", hostname: "host-1", pid: 4101, lastHeartbeat: new Date(now), active: 3, processed: 120, succeeded: 117, failed: 3 },
      { ...base, name: "worker-b@host-2", hostname: "host-2", pid: 4202, queues: ["default", "gpu"], concurrency: 4, lastHeartbeat: new Date(now), active: 1, processed: 42, succeeded: 42, failed: 0 },
      { ...base, name: "worker-c@host-3", hostname: "host-3", pid: 4303, lastHeartbeat: new Date(now - 3_600_000), processed: 7, succeeded: 5, failed: 2 },
    ]);
    await login(page, server.url, "admin", ADMIN_PASSWORD, "/workers");
    const row = (name: string) => page.getByTestId(`worker-row-${name}`);
    await row("worker-a@host-1").waitFor();
    expect(await row("worker-a@host-1").locator("[data-status]").getAttribute("data-status")).toBe("online");
    expect(await row("worker-b@host-2").locator("[data-status]").getAttribute("data-status")).toBe("online");
    expect(await row("worker-c@host-3").locator("[data-status]").getAttribute("data-status")).toBe("offline");
    expect(await row("worker-b@host-2").textContent()).toContain("gpu");
    expect(await row("worker-a@host-1").textContent()).toContain("4101");
    // Two inserted workers and the standalone's own local executor, which registers like a worker.
    expect(await page.getByTestId("workers-online").textContent()).toBe("3");
    expect(await page.locator('[data-testid^="worker-row-local@"]').count()).toBe(1);

    // A new worker registering appears without a reload (workers-changed over server push).
    await database.db.insert(workers).values({ ...base, name: "worker-d@host-4", hostname: "host-4", pid: 4404, lastHeartbeat: new Date() });
    await row("worker-d@host-4").waitFor();
    await screenshot(page, "workers");

    await row("worker-a@host-1").getByRole("link").click();
    await page.waitForURL(/\/workers\/worker-a%40host-1$/);
    await page.getByText("Running now").waitFor();
  });
});
