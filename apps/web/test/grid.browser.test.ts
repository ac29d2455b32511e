// The DAG page as an Airflow 2 user reads it, in a real browser against a real `updraft
// standalone`: the grid's run axis (dates, manual/scheduled/backfill told apart), the details of
// a run or a task instance opened beside the grid (and from ?run=), why skipped and
// upstream_failed task instances did not run, the next run with its data interval, the worker
// beside the host, log lines with timestamps and stderr in colour, and pools created, edited and
// deleted from the UI. Screenshots go to artifacts/screenshots.
import { createTestDatabase, type TestDatabase } from "@updraft/db/testing";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, login, newPage, screenshot } from "./support/browser.ts";
import { ADMIN_PASSWORD, basicAuth, makeDagsFolder, startStandalone, waitFor, type Standalone } from "./support/standalone.ts";

const threeDaysAgo = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate() - 3)).toISOString();

// Scheduled daily from three days ago without catchup: the scheduler creates yesterday's run.
const NIGHTLY_DAG = `import { bash, dag } from "@updraft/sdk";
export default dag({ dagId: "nightly", schedule: "@daily", startDate: "${threeDaysAgo}", catchup: false }, () => {
  bash({ taskId: "load", command: "echo loading" });
});
`;

// Writes to stdout and stderr with a pause, so the log has two streams and distinct times.
const STREAMS_DAG = `import { bash, dag } from "@updraft/sdk";
export default dag({ dagId: "streams", schedule: null }, () => {
  bash({ taskId: "talk", command: "echo to stdout; echo to stderr >&2; sleep 0.6; echo next poke" });
});
`;

const admin = basicAuth("admin", ADMIN_PASSWORD);
let dags: ReturnType<typeof makeDagsFolder>;
let server: Standalone;
let browser: Browser;
let page: Page;
let testDb: TestDatabase;

async function apiJson<T>(path: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(`${server.url}${path}`, { ...init, headers: { ...admin, "content-type": "application/json", ...init.headers } });
  if (!res.ok) throw new Error(`${init.method ?? "GET"} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

async function runFinished(dagId: string, runId: string): Promise<boolean> {
  const run = await apiJson<{ state: string }>(`/api/v1/dags/${dagId}/dagRuns/${runId}`);
  return run.state === "success" || run.state === "failed";
}

beforeAll(async () => {
  dags = makeDagsFolder(["branching.ts", "always_fails.ts"], { "nightly.ts": NIGHTLY_DAG, "streams.ts": STREAMS_DAG });
  testDb = await createTestDatabase("postgres");
  [server, browser] = await Promise.all([startStandalone({ dagsFolder: dags.folder, env: { DATABASE_URL: testDb.databaseUrl! } }), launchBrowser()]);
  page = await newPage(browser);
  await waitFor("the DAGs to be parsed", async () => (await apiJson<{ total_entries: number }>("/api/v1/dags")).total_entries === 4);
  await apiJson("/api/v1/dags/branching/dagRuns", { method: "POST", body: JSON.stringify({ dag_run_id: "b1", conf: { size: 1 } }) });
  await apiJson("/api/v1/dags/always_fails/dagRuns", { method: "POST", body: JSON.stringify({ dag_run_id: "f1" }) });
  await apiJson("/api/v1/dags/streams/dagRuns", { method: "POST", body: JSON.stringify({ dag_run_id: "s1" }) });
  await apiJson("/api/v1/dags/nightly/dagRuns", { method: "POST", body: JSON.stringify({ dag_run_id: "by_hand" }) });
  const from = new Date(Date.parse(threeDaysAgo) - 3 * 86_400_000).toISOString();
  const to = new Date(Date.parse(threeDaysAgo) - 2 * 86_400_000).toISOString();
  await apiJson("/api/v1/backfills", { method: "POST", body: JSON.stringify({ dag_id: "nightly", from_date: from, to_date: to }) });
  for (const [dagId, runId] of [["branching", "b1"], ["always_fails", "f1"], ["streams", "s1"]] as const) {
    await waitFor(`${dagId} ${runId} to finish`, () => runFinished(dagId, runId), 90_000);
  }
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await testDb?.drop();
  dags?.remove();
});

describe("the grid, its details and the reasons", () => {
  it("opens the run named by ?run= beside the grid, with dates and run types on the axis", async () => {
    await login(page, server.url, "admin", ADMIN_PASSWORD, "/dags/nightly");
    await waitFor("scheduled, manual and backfill runs", async () => {
      const runs = await apiJson<{ dag_runs: Array<{ run_type: string }> }>("/api/v1/dags/nightly/dagRuns");
      const types = new Set(runs.dag_runs.map((r) => r.run_type));
      return types.has("scheduled") && types.has("manual") && types.has("backfill");
    });
    await page.goto(`${server.url}/dags/nightly?run=by_hand`);
    const details = page.getByTestId("grid-details");
    await details.waitFor();
    expect(await details.getByTestId("details-run-type").textContent()).toContain("manual");
    await page.locator('[data-testid="grid-run-by_hand"][data-run-type="manual"]').waitFor();
    const axis = page.getByTestId("grid-axis");
    for (const type of ["manual", "scheduled", "backfill"]) {
      expect(await axis.locator(`svg[data-run-type="${type}"]`).count()).toBeGreaterThan(0);
    }
    expect(await page.getByTestId("grid-date-by_hand").textContent()).toMatch(/^\d\d-\d\d \d\d:\d\d$/);
    // The next run and its data interval, on the DAG page.
    const next = await page.getByTestId("next-run-nightly").textContent();
    expect(next).toMatch(/Data interval: .+ – .+/);
    await screenshot(page, "grid-run-details");
  });

  it("opens a task instance's details from a cell without leaving the page, with the worker and a log link", async () => {
    await page.goto(`${server.url}/dags/streams`);
    await page.evaluate(() => ((globalThis as unknown as { __noReload: boolean }).__noReload = true));
    await page.getByTestId("cell-s1-talk").click();
    await page.waitForURL(/run=s1&task=talk/);
    const details = page.getByTestId("grid-details");
    await details.getByTestId("details-state").locator('[data-state="success"]').waitFor();
    expect(await details.getByTestId("details-try").textContent()).toBe("1 of 1");
    expect(await details.getByTestId("details-duration").textContent()).toMatch(/\d/);
    expect(await details.getByTestId("details-worker").textContent()).toMatch(/^local@\S+ \/ \S+/);
    expect(await page.evaluate(() => (globalThis as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
    await details.getByTestId("details-log-link").click();
    await page.waitForURL(/\/dags\/streams\/runs\/s1\/tasks\/talk\?try=1/);
    expect(await page.getByTestId("ti-worker").textContent()).toMatch(/^local@/);
  });

  it("shows each log line's time (toggleable) and stderr apart", async () => {
    const log = page.getByTestId("log-content");
    await waitFor("the log", async () => ((await log.textContent()) ?? "").includes("next poke"));
    const times = await log.getByTestId("log-ts").allTextContents();
    // One per line: the task's three, and any Updraft wrote about the try.
    expect(times.length).toBe(await log.locator(".log-line").count());
    for (const t of times) expect(t).toMatch(/^\d\d:\d\d:\d\d\.\d{3}$/);
    const timeOf = (text: string) => log.locator('.log-line[data-stream="stdout"]', { hasText: text }).getByTestId("log-ts").textContent();
    // The 0.6 s sleep shows between the lines' times.
    expect((await timeOf("next poke"))! > (await timeOf("to stdout"))!).toBe(true);
    expect(await log.locator('[data-stream="stderr"]').textContent()).toContain("to stderr");
    const stderrColor = await log.locator('[data-stream="stderr"]').evaluate((el) => (globalThis as unknown as { getComputedStyle: (e: unknown) => { color: string } }).getComputedStyle(el).color);
    const stdoutColor = await log.locator('[data-stream="stdout"]').first().evaluate((el) => (globalThis as unknown as { getComputedStyle: (e: unknown) => { color: string } }).getComputedStyle(el).color);
    expect(stderrColor).not.toBe(stdoutColor);
    await screenshot(page, "task-log-timestamps");
    await page.getByTestId("log-timestamps").uncheck();
    expect(await log.getByTestId("log-ts").count()).toBe(0);
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("log-download").click()]);
    const text = await (await download.createReadStream()).toArray();
    const content = Buffer.concat(text as Buffer[]).toString();
    expect(content).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z \[stdout\] to stdout$/m);
    expect(content).toContain("[stderr] to stderr");
  });

  it("says why a task was skipped: the branch and what it followed", async () => {
    await page.goto(`${server.url}/dags/branching?run=b1&task=big_batch`);
    const reason = page.getByTestId("details-reason");
    await reason.waitFor();
    expect(await reason.textContent()).toBe("skipped: branch choose followed small_batch");
    await screenshot(page, "grid-skipped-reason");
  });

  it("says why a task is upstream_failed, on the task instance page and in the API", async () => {
    await page.goto(`${server.url}/dags/always_fails/runs/f1/tasks/report`);
    const reason = page.getByTestId("state-reason");
    await reason.waitFor();
    expect(await reason.textContent()).toBe("upstream_failed: flaky failed (trigger rule all_success)");
    expect(await page.getByTestId("no-tries").textContent()).toContain("without running");
    const ti = await apiJson<{ state_reason: string }>("/api/v1/dags/always_fails/dagRuns/f1/taskInstances/report");
    expect(ti.state_reason).toBe("`flaky` failed (trigger rule all_success)");
    await screenshot(page, "task-upstream-failed-reason");
  });

  it("shows the worker beside the host on the run page", async () => {
    await page.goto(`${server.url}/dags/always_fails/runs/f1`);
    await page.getByTestId("worker-flaky").waitFor();
    expect(await page.getByTestId("worker-flaky").textContent()).toMatch(/^local@\S+ \/ \S+/);
    await screenshot(page, "run-page");
  });

  it("creates, edits and deletes a pool from the pools page", async () => {
    await page.goto(`${server.url}/pools`);
    await page.getByTestId("pool-create").click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Name").fill("etl_pool");
    await dialog.getByLabel("Slots").fill("3");
    await dialog.getByLabel("Description").fill("nightly loads");
    await dialog.getByTestId("pool-save").click();
    await page.getByTestId("pool-row-etl_pool").waitFor();
    expect(await page.getByTestId("pool-slots-etl_pool").textContent()).toBe("3");
    expect((await apiJson<{ slots: number; description: string }>("/api/v1/pools/etl_pool")).description).toBe("nightly loads");

    await page.getByTestId("pool-edit-etl_pool").click();
    await page.getByRole("dialog").getByLabel("Slots").fill("5");
    await page.getByRole("dialog").getByTestId("pool-save").click();
    await waitFor("the new slot count", async () => (await page.getByTestId("pool-slots-etl_pool").textContent()) === "5");
    expect((await apiJson<{ slots: number }>("/api/v1/pools/etl_pool")).slots).toBe(5);
    await screenshot(page, "pools");

    await page.getByTestId("pool-delete-etl_pool").click();
    await page.getByTestId("confirm-action").click();
    await page.getByTestId("pool-row-etl_pool").waitFor({ state: "detached" });
    const gone = await fetch(`${server.url}/api/v1/pools/etl_pool`, { headers: admin });
    expect(gone.status).toBe(404);
  });

  it("shows the next run on the DAG list", async () => {
    await page.goto(`${server.url}/dags`);
    await page.getByTestId("next-run-nightly").waitFor();
    expect(await page.getByTestId("next-run-nightly").textContent()).toMatch(/\d\d:\d\d/);
    await screenshot(page, "dags-next-run");
  });
});
