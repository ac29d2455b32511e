// The dashboard in a real browser against a real `updraft standalone`: log in, trigger
// parallel_tasks from the UI and watch the grid turn green without a reload (server push), find
// task2 and task3 side by side in the Gantt chart, see a running task's log grow, see a Viewer
// refused, and read /metrics during a run. Screenshots go to artifacts/screenshots.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, login, newPage, screenshot } from "./support/browser.ts";
import { ADMIN_PASSWORD, basicAuth, makeDagsFolder, startStandalone, waitFor, type Standalone } from "./support/standalone.ts";

// Echoes a line every 200 ms for about 4 s, so the test can watch its log grow.
const CHATTY_DAG = `import { bash, dag } from "@updraft/sdk";
export default dag({ dagId: "chatty", schedule: null, tags: ["test"], params: { lines: 20, label: "hello" } }, () => {
  bash({ taskId: "talk", command: 'for i in $(seq 1 20); do echo "chatty line $i"; sleep 0.2; done' });
});
`;

const admin = basicAuth("admin", ADMIN_PASSWORD);
let dags: ReturnType<typeof makeDagsFolder>;
let server: Standalone;
let browser: Browser;
let page: Page;

async function apiJson<T>(path: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(`${server.url}${path}`, { ...init, headers: { ...admin, "content-type": "application/json", ...init.headers } });
  if (!res.ok) throw new Error(`${init.method ?? "GET"} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

beforeAll(async () => {
  dags = makeDagsFolder(["parallel_tasks.ts"], { "chatty.ts": CHATTY_DAG });
  [server, browser] = await Promise.all([startStandalone({ dagsFolder: dags.folder }), launchBrowser()]);
  page = await newPage(browser);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  dags?.remove();
});

describe("dashboard in a browser", () => {
  it("sends an anonymous visitor to the login page and back to where they were going", async () => {
    await login(page, server.url, "admin", ADMIN_PASSWORD, "/dags");
    await page.getByTestId("dag-row-parallel_tasks").waitFor();
    await page.getByTestId("dag-row-chatty").waitFor();
    expect(await page.getByTestId("current-user").textContent()).toContain("Admin");
    await waitFor("live updates", async () => (await page.getByTestId("live-indicator").textContent())?.includes("Live"));
  });

  it("triggers parallel_tasks from the UI and the grid turns green without a reload", async () => {
    // A marker on window survives in-app navigation but not a page load.
    await page.evaluate(() => ((globalThis as unknown as { __noReload: boolean }).__noReload = true));
    await page.getByTestId("trigger-parallel_tasks").click();
    await page.getByRole("dialog").waitFor();
    await page.getByLabel("Run id (optional)").fill("ui_run_1");
    await page.getByTestId("trigger-submit").click();
    await page.waitForURL(/\/dags\/parallel_tasks\?run=ui_run_1/);
    await page.getByTestId("dag-grid").waitFor();
    for (const task of ["task1", "task2", "task3", "task4"]) {
      await page.locator(`[data-testid="cell-ui_run_1-${task}"][data-state="success"]`).waitFor({ timeout: 60_000 });
    }
    await page.locator('[data-testid="grid-run-ui_run_1"][data-state="success"]').waitFor();
    await screenshot(page, "grid");
    expect(await page.evaluate(() => (globalThis as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
  });

  it("shows task2 and task3 side by side in the run's Gantt chart", async () => {
    // The trigger dialog's ?run= opened the run's details beside the grid; from there, its page.
    await page.getByTestId("grid-details").getByTestId("details-run-link").click();
    await page.waitForURL(/\/runs\/ui_run_1$/);
    const task2 = page.getByTestId("gantt-bar-task2-1");
    const task3 = page.getByTestId("gantt-bar-task3-1");
    await task2.waitFor();
    await task3.waitFor();
    const a = (await task2.boundingBox())!;
    const b = (await task3.boundingBox())!;
    // Horizontal overlap: each starts before the other ends.
    expect(a.x < b.x + b.width && b.x < a.x + a.width).toBe(true);
    const task1 = (await page.getByTestId("gantt-bar-task1-1").boundingBox())!;
    const task4 = (await page.getByTestId("gantt-bar-task4-1").boundingBox())!;
    expect(task1.x).toBeLessThanOrEqual(Math.min(a.x, b.x) + 1);
    expect(task4.x + 1).toBeGreaterThanOrEqual(Math.max(a.x + a.width, b.x + b.width) - 2);
    await screenshot(page, "gantt");
  });

  it("draws the graph with nodes coloured by the run's states", async () => {
    await page.getByRole("link", { name: "Graph" }).click();
    await page.getByTestId("dag-graph").waitFor();
    for (const task of ["task1", "task2", "task3", "task4"]) {
      await page.locator(`[data-testid="node-${task}"][data-state="success"]`).waitFor();
    }
    expect(await page.locator("[data-testid^=edge-]").count()).toBe(4);
    await screenshot(page, "graph");
  });

  it("tails a running task's log: new lines appear without a reload", async () => {
    await apiJson("/api/v1/dags/chatty/dagRuns", { method: "POST", body: JSON.stringify({ dag_run_id: "tail_1" }) });
    await waitFor("chatty to run", async () => {
      const ti = await apiJson<{ state: string | null }>("/api/v1/dags/chatty/dagRuns/tail_1/taskInstances/talk");
      return ti.state === "running";
    });
    // While it runs, /metrics counts it (the same numbers Prometheus would scrape).
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/updraft_task_instances\{state="running"\} [1-9]/);
    expect(metrics).toMatch(/updraft_task_instances\{state="success"\} [1-9]/);
    expect(metrics).toMatch(/updraft_dag_runs\{state="running"\} [1-9]/);

    await page.goto(`${server.url}/dags/chatty/runs/tail_1/tasks/talk`);
    await page.evaluate(() => ((globalThis as unknown as { __noReload: boolean }).__noReload = true));
    const log = page.getByTestId("log-content");
    const lineCount = async () => ((await log.textContent()) ?? "").split("\n").filter((l) => l.includes("chatty line")).length;
    const first = await waitFor("first log lines", async () => {
      const n = await lineCount();
      return n > 0 && n < 15 ? n : undefined;
    });
    await waitFor("more log lines", async () => (await lineCount()) > first);
    await waitFor("the whole log", async () => ((await log.textContent()) ?? "").includes("chatty line 20"), 60_000);
    expect(await page.evaluate(() => (globalThis as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
    await page.locator('.badge[data-state="success"]').first().waitFor();
  });

  it("shows the DAG list with recent runs", async () => {
    await page.getByRole("navigation").getByRole("link", { name: "DAGs", exact: true }).click();
    await page.getByTestId("recent-runs-parallel_tasks").waitFor();
    await screenshot(page, "dags");
  });

  it("gives a Viewer no enabled trigger button, and the API refuses their POST", async () => {
    await apiJson("/api/v1/users", { method: "POST", body: JSON.stringify({ username: "vera", password: "viewer-password-1", role: "Viewer" }) });
    const viewer = await newPage(browser);
    await login(viewer, server.url, "vera", "viewer-password-1", "/dags/parallel_tasks");
    const trigger = viewer.getByTestId("trigger-parallel_tasks");
    await trigger.waitFor();
    await waitFor("the role to load", async () => (await viewer.getByTestId("current-user").textContent())?.includes("Viewer"));
    expect(await trigger.isDisabled()).toBe(true);
    expect(await viewer.getByRole("switch").first().isDisabled()).toBe(true);
    // The same session cookie, straight to the API: the server is the real guard.
    const res = await viewer.request.post(`${server.url}/api/v1/dags/parallel_tasks/dagRuns`, { data: { conf: {} } });
    expect(res.status()).toBe(403);
    await viewer.context().close();
  });
});
