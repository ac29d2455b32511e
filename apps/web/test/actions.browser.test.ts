// Run and task instance actions and user management from the UI, against a real `updraft
// standalone`: clear, mark success/failed and delete a run; clear and mark a task instance with
// its downstream/upstream/past/future options; edit a user's role, reset their password, delete
// them. Every action goes through the REST API in Airflow's v1 shape.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, login, newPage, screenshot } from "./support/browser.ts";
import { ADMIN_PASSWORD, basicAuth, makeDagsFolder, startStandalone, waitFor, type Standalone } from "./support/standalone.ts";

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

const runState = async (runId: string) => (await apiJson<{ state: string }>(`/api/v1/dags/parallel_tasks/dagRuns/${runId}`)).state;
const tiState = async (runId: string, taskId: string) =>
  (await apiJson<{ state: string | null }>(`/api/v1/dags/parallel_tasks/dagRuns/${runId}/taskInstances/${taskId}`)).state;

describe("actions from the UI", () => {
  beforeAll(async () => {
    dags = makeDagsFolder(["parallel_tasks.ts"]);
    [server, browser] = await Promise.all([startStandalone({ dagsFolder: dags.folder }), launchBrowser()]);
    page = await newPage(browser);
    for (const runId of ["r1", "r2"]) {
      await apiJson("/api/v1/dags/parallel_tasks/dagRuns", { method: "POST", body: JSON.stringify({ dag_run_id: runId }) });
      await waitFor(`${runId} to finish`, async () => (await runState(runId)) === "success", 90_000);
    }
    await login(page, server.url, "admin", ADMIN_PASSWORD, "/dags");
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    dags?.remove();
  });

  it("marks a run failed, then success, from the grid's run details", async () => {
    await page.goto(`${server.url}/dags/parallel_tasks?run=r1`);
    await page.getByTestId("grid-details").waitFor();
    await page.getByTestId("run-action-failed").click();
    await page.getByTestId("confirm-action").click();
    await page.locator('[data-testid="grid-run-r1"][data-state="failed"]').waitFor();
    expect(await runState("r1")).toBe("failed");
    await page.getByTestId("run-action-success").click();
    await page.getByTestId("confirm-action").click();
    await page.locator('[data-testid="grid-run-r1"][data-state="success"]').waitFor();
  });

  it("clears a task instance with its downstream tasks, listing them first, and they run again", async () => {
    await page.goto(`${server.url}/dags/parallel_tasks?run=r1&task=task2`);
    await page.getByTestId("ti-action-clear").click();
    const affected = page.getByTestId("affected");
    await waitFor("the affected list", async () => (await affected.textContent())?.includes("task4"));
    expect(await affected.textContent()).toContain("task2");
    expect(await affected.textContent()).not.toContain("task1");
    await page.getByTestId("option-upstream").check();
    await waitFor("upstream in the list", async () => (await affected.textContent())?.includes("task1"));
    await page.getByTestId("option-upstream").uncheck();
    await screenshot(page, "clear-task-instance-dialog");
    await page.getByTestId("confirm-action").click();
    await waitFor("task4 to run again", async () => (await tiState("r1", "task4")) === "success" && (await runState("r1")) === "success", 90_000);
    const task4 = await apiJson<{ try_number: number }>("/api/v1/dags/parallel_tasks/dagRuns/r1/taskInstances/task4");
    expect(task4.try_number).toBe(2);
    expect((await apiJson<{ try_number: number }>("/api/v1/dags/parallel_tasks/dagRuns/r1/taskInstances/task1")).try_number).toBe(1);
  });

  it("marks a task instance failed with its downstream tasks", async () => {
    await page.goto(`${server.url}/dags/parallel_tasks?run=r2&task=task3`);
    await page.getByTestId("ti-action-failed").click();
    await page.getByTestId("option-downstream").check();
    await waitFor("task4 in the list", async () => (await page.getByTestId("affected").textContent())?.includes("task4"));
    await page.getByTestId("confirm-action").click();
    await page.locator('[data-testid="cell-r2-task3"][data-state="failed"]').waitFor();
    await page.locator('[data-testid="cell-r2-task4"][data-state="failed"]').waitFor();
    expect(await tiState("r2", "task2")).toBe("success");
  });

  it("clears a whole run, which runs again", async () => {
    await page.goto(`${server.url}/dags/parallel_tasks?run=r2`);
    await page.getByTestId("run-action-clear").click();
    await page.getByTestId("confirm-action").click();
    await waitFor("r2 to succeed again", async () => (await runState("r2")) === "success", 90_000);
  });

  it("deletes a run", async () => {
    await page.goto(`${server.url}/dags/parallel_tasks?run=r2`);
    await page.getByTestId("run-action-delete").click();
    await page.getByTestId("confirm-action").click();
    await page.getByTestId("grid-run-r2").waitFor({ state: "detached" });
    const res = await fetch(`${server.url}/api/v1/dags/parallel_tasks/dagRuns/r2`, { headers: admin });
    expect(res.status).toBe(404);
  });

  it("edits a user's role, resets their password and deletes them", async () => {
    await apiJson("/api/v1/users", { method: "POST", body: JSON.stringify({ username: "olga", password: "first-password-1", role: "Viewer" }) });
    await page.goto(`${server.url}/users`);
    await page.getByTestId("user-edit-olga").click();
    await page.getByRole("dialog").getByLabel("Role").selectOption("Op");
    await page.getByTestId("confirm-action").click();
    await waitFor("the new role", async () => (await page.getByTestId("user-role-olga").textContent()) === "Op");
    const olga = await apiJson<{ roles: Array<{ name: string }> }>("/api/v1/users/olga");
    expect(olga.roles).toEqual([{ name: "Op" }]);

    await page.getByTestId("user-password-olga").click();
    await page.getByRole("dialog").getByLabel("New password").fill("second-password-2");
    await page.getByTestId("confirm-action").click();
    await page.getByRole("dialog").waitFor({ state: "detached" });
    const withNew = await fetch(`${server.url}/api/v1/me`, { headers: basicAuth("olga", "second-password-2") });
    expect(withNew.status).toBe(200);
    const withOld = await fetch(`${server.url}/api/v1/me`, { headers: basicAuth("olga", "first-password-1") });
    expect(withOld.status).toBe(401);
    await screenshot(page, "users");

    await page.getByTestId("user-delete-olga").click();
    await page.getByTestId("confirm-action").click();
    await page.getByTestId("user-row-olga").waitFor({ state: "detached" });
    expect((await fetch(`${server.url}/api/v1/users/olga`, { headers: admin })).status).toBe(404);
  });
});
