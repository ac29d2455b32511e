// The Admin pages and the layout faults of issue 13 item 14, in a real browser against a real
// `updraft standalone` on its embedded database: variables and connections created, edited,
// tested and deleted from the UI (a password never shown); the trigger form rendering typed params
// and showing the API's 400 beside the param; graph nodes wide enough for upstream_failed; the
// queue/pool stat whole at 1440 px; the local executor on the workers page; the DAG list's
// recent runs in one request; the in-app 404 with HTTP 404; Updraft's name on the API docs.
// Screenshots go to artifacts/screenshots.
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, login, newPage, screenshot, SCREENSHOTS } from "./support/browser.ts";
import { ADMIN_PASSWORD, basicAuth, makeDagsFolder, startStandalone, waitFor, type Standalone } from "./support/standalone.ts";

const admin = basicAuth("admin", ADMIN_PASSWORD);
// A syntax error on line 4: the import error's first line names it, a code frame follows.
const BROKEN_DAG = `import { bash, dag } from "@updraft/sdk";

export default dag({ dagId: "broken" }, () => {
  bash({ taskId: "a", command: "echo hi" );
});
`;
const SECRET = "s3cret-pw-never-shown";
let dags: ReturnType<typeof makeDagsFolder>;
let server: Standalone;
let browser: Browser;
let page: Page;

async function apiJson<T>(path: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(`${server.url}${path}`, { ...init, headers: { ...admin, "content-type": "application/json", ...init.headers } });
  if (!res.ok) throw new Error(`${init.method ?? "GET"} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

const runState = async (dagId: string, runId: string) => (await apiJson<{ state: string }>(`/api/v1/dags/${dagId}/dagRuns/${runId}`)).state;

beforeAll(async () => {
  dags = makeDagsFolder(["parallel_tasks.ts", "always_fails.ts", "warehouse_report.ts"], { "broken.ts": BROKEN_DAG });
  [server, browser] = await Promise.all([startStandalone({ dagsFolder: dags.folder }), launchBrowser()]);
  page = await newPage(browser);
  await waitFor("the DAGs to be parsed", async () => (await apiJson<{ total_entries: number }>("/api/v1/dags")).total_entries === 3, 120_000);
  await apiJson("/api/v1/dags/always_fails/dagRuns", { method: "POST", body: JSON.stringify({ dag_run_id: "f1" }) });
  await apiJson("/api/v1/dags/parallel_tasks/dagRuns", { method: "POST", body: JSON.stringify({ dag_run_id: "p1" }) });
  await waitFor("f1 and p1 to finish", async () => (await runState("always_fails", "f1")) === "failed" && (await runState("parallel_tasks", "p1")) === "success", 120_000);
  await login(page, server.url, "admin", ADMIN_PASSWORD, "/dags");
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  dags?.remove();
});

describe("variables page", () => {
  it("adds, shows, edits and deletes a variable through the Admin menu", async () => {
    await page.getByTestId("admin-menu").locator("summary").click();
    await page.getByRole("menuitem", { name: "Connections" }).waitFor();
    await screenshot(page, "admin-menu");
    await page.getByRole("menuitem", { name: "Variables" }).click();
    await page.waitForURL(/\/variables$/);
    await page.getByTestId("variables-empty").waitFor();

    await page.getByTestId("variable-create").click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Key").fill("report_settings");
    await dialog.getByTestId("variable-value-input").fill('{"batch": 50}');
    await dialog.getByText("Valid JSON").waitFor();
    await dialog.getByLabel("Description").fill("Batch size of the warehouse report");
    await page.getByTestId("variable-save").click();
    await page.getByTestId("variable-row-report_settings").waitFor();
    expect(await apiJson("/api/v1/variables/report_settings")).toEqual({ key: "report_settings", value: '{"batch": 50}', description: "Batch size of the warehouse report" });

    // The list leaves values out (as Airflow's API does); "Show" fetches this one.
    await page.getByTestId("variable-show-report_settings").click();
    await waitFor("the value", async () => (await page.getByTestId("variable-value-report_settings").textContent()) === '{"batch": 50}');

    await page.getByTestId("variable-edit-report_settings").click();
    const input = page.getByRole("dialog").getByTestId("variable-value-input");
    await waitFor("the stored value in the form", async () => (await input.inputValue()) === '{"batch": 50}');
    await input.fill('{"batch": 75}');
    await page.getByTestId("variable-save").click();
    await page.getByRole("dialog").waitFor({ state: "detached" });
    await waitFor("the new value", async () => (await apiJson<{ value: string }>("/api/v1/variables/report_settings")).value === '{"batch": 75}');
    await waitFor("the new value on the page", async () => (await page.getByTestId("variable-value-report_settings").textContent()) === '{"batch": 75}');

    await apiJson("/api/v1/variables", { method: "POST", body: JSON.stringify({ key: "to_delete", value: "x" }) });
    await page.reload();
    await page.getByTestId("variable-row-to_delete").waitFor();
    await screenshot(page, "variables");
    await page.getByTestId("variable-delete-to_delete").click();
    await page.getByTestId("confirm-action").click();
    await page.getByTestId("variable-row-to_delete").waitFor({ state: "detached" });
    expect((await fetch(`${server.url}/api/v1/variables/to_delete`, { headers: admin })).status).toBe(404);
  });
});

describe("connections page", () => {
  it("adds a connection whose password is never shown, tests it, edits it and deletes it", async () => {
    await page.goto(`${server.url}/connections`);
    await page.getByTestId("connections-empty").waitFor();
    await page.getByTestId("connection-create").click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Connection id").fill("broker");
    await dialog.getByLabel("Type").fill("redis");
    await dialog.getByLabel("Host").fill("127.0.0.1");
    await dialog.getByLabel("Port").fill("6379");
    await dialog.getByLabel("Password").fill(SECRET);
    await dialog.getByLabel("Extra (JSON)").fill('{"ssl": false}');
    // Test before saving: the real Redis answers.
    await page.getByTestId("connection-test").click();
    await page.locator('[data-testid="connection-test-result"][data-status="true"]').waitFor();
    await screenshot(page, "connection-create-test-ok");
    await page.getByTestId("connection-save").click();
    await page.getByTestId("connection-row-broker").waitFor();
    const row = await page.getByTestId("connection-row-broker").textContent();
    expect(row).toContain("redis");
    expect(row).toContain("••••••••");
    expect(await page.content()).not.toContain(SECRET);

    // Edit: the form never receives the password; an unchanged one stays, and Test uses it.
    await page.getByTestId("connection-edit-broker").click();
    const edit = page.getByRole("dialog");
    await waitFor("the stored extra in the form", async () => (await edit.getByLabel("Extra (JSON)").inputValue()) === '{"ssl": false}');
    expect(await page.getByTestId("connection-password").inputValue()).toBe("");
    await edit.getByLabel("Description").fill("The Redis broker");
    await edit.getByLabel("Port").fill("1");
    await page.getByTestId("connection-test").click();
    await page.locator('[data-testid="connection-test-result"][data-status="false"]').waitFor();
    await screenshot(page, "connection-edit-test-failed");
    await edit.getByLabel("Port").fill("6379");
    await page.getByTestId("connection-save").click();
    await page.getByRole("dialog").waitFor({ state: "detached" });
    await waitFor("the description in the row", async () => (await page.getByTestId("connection-row-broker").textContent())?.includes("The Redis broker"));
    // The password survived the edit: the CLI's local token may read it (Op/Admin over HTTP never can).
    const stored = await apiJson<Record<string, unknown>>("/api/v1/connections/broker");
    expect(stored).not.toHaveProperty("password");
    expect(stored).toMatchObject({ description: "The Redis broker", port: 6379, extra: '{"ssl": false}' });
    await screenshot(page, "connections");

    await page.getByTestId("connection-delete-broker").click();
    await page.getByTestId("confirm-action").click();
    await page.getByTestId("connection-row-broker").waitFor({ state: "detached" });
    expect((await fetch(`${server.url}/api/v1/connections/broker`, { headers: admin })).status).toBe(404);
  });
});

describe("typed trigger form", () => {
  it("renders params by type with defaults, shows the API's 400 beside the param, then triggers", async () => {
    await page.goto(`${server.url}/dags`);
    await page.getByTestId("trigger-warehouse_report").click();
    const field = (name: string) => page.getByTestId(`param-field-${name}`);
    await field("rows").waitFor();
    expect(await field("rows").getAttribute("data-kind")).toBe("number");
    expect(await field("mode").getAttribute("data-kind")).toBe("enum");
    expect(await field("day").getAttribute("data-kind")).toBe("string");
    expect(await page.getByTestId("param-rows").inputValue()).toBe("3");
    expect(await page.getByTestId("param-rows").getAttribute("max")).toBe("100");
    expect(await page.getByTestId("param-day").getAttribute("type")).toBe("date");
    expect(await page.getByTestId("param-day").inputValue()).toBe("2026-01-01");
    expect(await page.getByTestId("param-mode").locator("option").allTextContents()).toEqual(["full", "delta"]);
    expect(await field("rows").textContent()).toContain("Rows to report");

    await page.getByTestId("param-rows").fill("250");
    await page.getByTestId("trigger-submit").click();
    const error = page.getByTestId("param-error-rows");
    await error.waitFor();
    expect(await error.textContent()).toMatch(/param "rows" of DAG "warehouse_report" must be <= 100/);
    await screenshot(page, "trigger-typed-params-400");

    await page.getByTestId("param-rows").fill("5");
    await page.getByTestId("param-mode").selectOption({ label: "delta" });
    await page.getByTestId("param-day").fill("2026-02-03");
    await page.getByTestId("trigger-submit").click();
    await page.waitForURL(/\/dags\/warehouse_report\?run=/);
    const runId = new URL(page.url()).searchParams.get("run")!;
    const run = await apiJson<{ conf: Record<string, unknown> }>(`/api/v1/dags/warehouse_report/dagRuns/${encodeURIComponent(runId)}`);
    // Every param goes in the conf; hold_seconds keeps its default (the form fills defaults in).
    expect(run.conf).toEqual({ rows: 5, mode: "delta", day: "2026-02-03", hold_seconds: 0 });
  });
});

describe("layout faults (issue 13, item 14)", () => {
  it("draws graph nodes wide enough for upstream_failed", async () => {
    await page.goto(`${server.url}/dags/always_fails/graph?run=f1`);
    const node = page.locator('[data-testid="node-report"][data-state="upstream_failed"]');
    await node.waitFor();
    const fits = await node.evaluate((g) => {
      const rect = g.querySelector("rect")!.getBBox();
      return [...g.querySelectorAll("text")].map((t) => ({ text: t.textContent, right: t.getBBox().x + t.getBBox().width, box: rect.width }));
    });
    for (const t of fits) expect(t.right, t.text ?? "").toBeLessThanOrEqual(t.box);
    expect(fits.map((t) => t.text).join(" ")).toContain("upstream_failed");
    await screenshot(page, "graph-upstream-failed");
  });

  it("shows the queue / pool stat whole at 1440 px", async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(`${server.url}/dags/always_fails/runs/f1/tasks/report`);
    const stat = page.locator(".stat", { hasText: "Queue / pool" }).locator(".stat-value");
    await stat.waitFor();
    expect(await stat.textContent()).toBe("default / default_pool");
    const cut = await stat.evaluate((el) => el.scrollWidth > el.clientWidth);
    expect(cut).toBe(false);
    await screenshot(page, "task-instance-1440");
    await page.setViewportSize({ width: 1400, height: 900 });
  });

  it("shows the standalone's local executor as a worker, its active count agreeing with its page", async () => {
    await page.goto(`${server.url}/workers`);
    const row = page.locator('[data-testid^="worker-row-local@"]');
    await row.waitFor();
    expect(await row.locator("[data-status]").getAttribute("data-status")).toBe("online");
    expect(await row.textContent()).toContain("all queues");
    // The runs above finished on it: 4 tries of parallel_tasks, 3 of flaky and 1 of cleanup.
    await waitFor("its processed count", async () => {
      const cells = await row.locator("td").allTextContents();
      return Number(cells[6]) >= 8;
    });
    await screenshot(page, "workers-standalone");
    const name = (await row.getAttribute("data-testid"))!.replace("worker-row-", "");
    await row.getByRole("link").click();
    await page.getByText("Running now (0)").waitFor();
    const active = await page.locator(".stat", { hasText: "Active / slots" }).locator(".stat-value").textContent();
    expect(active).toMatch(/^0 \/ \d+$/);
    const detail = await apiJson<{ active: number; running_task_instances: unknown[] }>(`/api/v1/workers/${encodeURIComponent(name)}`);
    expect(detail.active).toBe(detail.running_task_instances.length);
    await screenshot(page, "worker-local");
  });

  it("shows an import error's useful line first, with a code frame and no loader internals", async () => {
    await page.goto(`${server.url}/dags`);
    await page.getByTestId("import-errors").getByRole("button").click();
    const error = page.getByTestId("import-error-broken.ts");
    await error.waitFor();
    expect(await error.locator("strong").textContent()).toMatch(/^broken\.ts:4:\d+: Expected "\}" but found "\)"$/);
    const frame = await error.locator("pre").textContent();
    expect(frame).toContain('> 4 |   bash({ taskId: "a", command: "echo hi" );');
    expect(frame).not.toMatch(/esbuild|node_modules|TransformError/);
    const [first] = (await apiJson<{ import_errors: Array<{ import_error_id: number }> }>("/api/v1/importErrors")).import_errors;
    await screenshot(page, "dags-import-error");
    // The id stays while the file keeps failing: wait for the next parse (every 30 s), then compare.
    const parsedAt = async () => (await apiJson<{ last_parsed_time: string }>("/api/v1/dags/parallel_tasks")).last_parsed_time;
    const before = await parsedAt();
    await waitFor("the next parse", async () => (await parsedAt()) !== before, 90_000);
    expect((await apiJson<{ import_errors: Array<{ import_error_id: number }> }>("/api/v1/importErrors")).import_errors[0]!.import_error_id).toBe(first!.import_error_id);
  });

  it("loads the DAG list's recent runs in one request", async () => {
    const runRequests: string[] = [];
    const onRequest = (request: { url: () => string }) => {
      if (request.url().includes("/dagRuns")) runRequests.push(new URL(request.url()).pathname);
    };
    page.on("request", onRequest);
    await page.goto(`${server.url}/dags`);
    await page.getByTestId("recent-runs-parallel_tasks").waitFor();
    await page.getByTestId("recent-runs-always_fails").waitFor();
    page.off("request", onRequest);
    // One batched request for all three DAGs (the live stream's connect may refresh it once more),
    // never one per DAG.
    expect(runRequests.length).toBeGreaterThanOrEqual(1);
    expect(runRequests.every((p) => p === "/api/v1/dags/~/dagRuns/list")).toBe(true);
    await screenshot(page, "dags-list");
  });

  it("answers an unknown page with HTTP 404 and the app's own 404 page", async () => {
    const response = await page.goto(`${server.url}/no/such/page`);
    expect(response?.status()).toBe(404);
    await page.getByRole("heading", { name: "Page not found" }).waitFor();
    await screenshot(page, "not-found");
    const known = await page.goto(`${server.url}/connections`);
    expect(known?.status()).toBe(200);
  });

  it("shows Updraft's name and logo on the API docs, not Fastify's", async () => {
    await page.goto(`${server.url}/api/v1/ui/`);
    expect(await page.title()).toBe("Updraft API");
    await page.locator(".swagger-ui .info .title", { hasText: "Updraft API" }).waitFor();
    const logo = await page.locator(".topbar img").first().getAttribute("src");
    expect(Buffer.from(logo!.replace(/^data:image\/svg\+xml;base64,/, ""), "base64").toString()).toContain("Updraft API");
    // The top of the page is what changed; the whole operation list is 5,000 px tall.
    await page.screenshot({ path: join(SCREENSHOTS, "api-docs.png") });
  });
});
