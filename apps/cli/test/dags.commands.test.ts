// `dags list`, `dags import-errors`, `dags trigger` (a refused run id), `dags test`, `tasks test`
// against the example DAGs and a folder with a broken file, on the embedded database; `dags
// trigger` through Postgres (the run's fields, `--wait` on a paused DAG).
import { cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDagRun, type UpdraftDatabase } from "@updraft/db";
import { createTestDatabase, type TestDatabase } from "@updraft/db/testing";
import { EXAMPLE_DAGS, makeHome, runCli, startCli, waitForStderr } from "./support.ts";

let home: { home: string; cleanup: () => Promise<void> };
let brokenFolder: string;

beforeAll(async () => {
  home = await makeHome();
  brokenFolder = await mkdtemp(join(tmpdir(), "updraft-cli-dags-"));
  await cp(join(EXAMPLE_DAGS, "parallel_tasks.ts"), join(brokenFolder, "parallel_tasks.ts"));
  await writeFile(join(brokenFolder, "broken.ts"), `throw new Error("this DAG file is broken");`);
});

afterAll(async () => {
  await home.cleanup();
  await rm(brokenFolder, { recursive: true, force: true });
});

describe("updraft dags", () => {
  it("lists the example DAGs as JSON with Airflow's fields", async () => {
    const result = await runCli(["dags", "list", "--json"], { UPDRAFT_HOME: home.home, UPDRAFT_DAGS_FOLDER: EXAMPLE_DAGS });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const body = JSON.parse(result.stdout) as { dags: Array<{ dag_id: string; is_paused: boolean; task_ids: string[] }>; total_entries: number };
    expect(body.dags.map((d) => d.dag_id)).toEqual(expect.arrayContaining(["parallel_tasks", "typed_etl", "branching"]));
    expect(body.total_entries).toBe(body.dags.length);
    expect(body.dags.find((d) => d.dag_id === "parallel_tasks")).toMatchObject({
      is_paused: false,
      task_ids: ["task1", "task2", "task3", "task4"],
    });
  });

  it("records a broken file as an import error while the other DAGs still list", async () => {
    const env = { UPDRAFT_HOME: home.home, UPDRAFT_DAGS_FOLDER: brokenFolder };
    const errors = await runCli(["dags", "import-errors", "--json"], env);
    expect(errors.code).toBe(0);
    const body = JSON.parse(errors.stdout) as { import_errors: Array<{ filename: string; stack_trace: string; timestamp: string }> };
    expect(body.import_errors).toHaveLength(1);
    expect(body.import_errors[0]).toMatchObject({ filename: "broken.ts" });
    expect(body.import_errors[0]!.stack_trace).toContain("this DAG file is broken");
    expect(body.import_errors[0]!.timestamp).toMatch(/T.*Z$/);

    const list = await runCli(["dags", "list", "--json"], env);
    expect((JSON.parse(list.stdout) as { dags: Array<{ dag_id: string }> }).dags.map((d) => d.dag_id)).toEqual(["parallel_tasks"]);
    const human = await runCli(["dags", "list"], env);
    expect(human.stdout).toContain("parallel_tasks");
    expect(human.stderr).toContain("1 file(s) failed to load");
  });

  it("dags trigger refuses a run id reserved for the scheduler, naming the rule (issue 10, item 11)", async () => {
    const result = await runCli(["dags", "trigger", "parallel_tasks", "--run-id", "scheduled__2026-01-01T00:00:00+00:00"], { UPDRAFT_HOME: home.home, UPDRAFT_DAGS_FOLDER: EXAMPLE_DAGS });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/run id "scheduled__2026-01-01T00:00:00\+00:00" is not allowed: the prefix "scheduled__" is reserved for scheduled runs/);
  });

  it("dags test runs parallel_tasks in dependency order and exits 0", async () => {
    const result = await runCli(["dags", "test", "parallel_tasks"], { UPDRAFT_HOME: home.home, UPDRAFT_DAGS_FOLDER: EXAMPLE_DAGS });
    expect(result.code).toBe(0);
    const starts = [...result.stdout.matchAll(/▶ (\w+) try 1/g)].map((m) => m[1]);
    expect(starts).toEqual(["task1", "task2", "task3", "task4"]);
    expect(result.stdout).toContain("[task1] start");
    expect(result.stdout).toMatch(/DAG run parallel_tasks success/);
  });

  it("dags test exits 1 for a DAG whose task always fails, after its retries", async () => {
    const result = await runCli(["dags", "test", "always_fails"], { UPDRAFT_HOME: home.home, UPDRAFT_DAGS_FOLDER: EXAMPLE_DAGS });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("flaky try 3 failed");
    expect(result.stdout).toContain("-> failed");
    expect(result.stdout).toContain("[cleanup] cleaning up");
    expect(result.stdout).toMatch(/DAG run always_fails failed/);
  });

  it("dags test passes --conf over the DAG's params", async () => {
    const result = await runCli(["dags", "test", "branching", "--conf", '{"size": 1}'], {
      UPDRAFT_HOME: home.home,
      UPDRAFT_DAGS_FOLDER: EXAMPLE_DAGS,
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("[small_batch] processing a small batch");
    expect(result.stdout).toContain("big_batch skipped");
  });

  it("tasks test runs one task with given inputs", async () => {
    const result = await runCli(
      ["tasks", "test", "typed_etl", "load", "--inputs", '{"summary": {"count": 2, "total": 5, "currency": "EUR"}}'],
      { UPDRAFT_HOME: home.home, UPDRAFT_DAGS_FOLDER: EXAMPLE_DAGS },
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("loading 2 orders, 5 EUR");
    expect(result.stdout).toContain('result: "2 orders loaded"');
  });

  it("answers an unknown DAG and bad --conf with one clear line and exit 1", async () => {
    const env = { UPDRAFT_HOME: home.home, UPDRAFT_DAGS_FOLDER: EXAMPLE_DAGS };
    const unknown = await runCli(["dags", "test", "nope"], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^updraft: UPDRAFT_DAG_NOT_FOUND: no DAG "nope"/);
    const badConf = await runCli(["dags", "test", "parallel_tasks", "--conf", "{oops"], env);
    expect(badConf.code).toBe(1);
    expect(badConf.stderr).toContain("--conf is not valid JSON");
  });
});

describe("updraft dags trigger via the metadata database (Postgres)", () => {
  let testDb: TestDatabase;
  let database: UpdraftDatabase;
  let pgHome: Awaited<ReturnType<typeof makeHome>>;
  let env: Record<string, string>;

  beforeAll(async () => {
    testDb = await createTestDatabase("postgres");
    pgHome = await makeHome();
    env = { UPDRAFT_HOME: pgHome.home, UPDRAFT_DAGS_FOLDER: EXAMPLE_DAGS, DATABASE_URL: testDb.databaseUrl! };
    const migrate = await runCli(["db", "migrate"], env);
    expect(migrate.code, migrate.stderr).toBe(0);
    database = await testDb.open();
  });

  afterAll(async () => {
    await database?.close();
    await testDb?.drop();
    await pgHome?.cleanup();
  });

  it("creates the run with the same fields as POST dagRuns: its data interval is its logical date", async () => {
    const trigger = await runCli(["dags", "trigger", "parallel_tasks", "--run-id", "k2"], env);
    expect(trigger.code, trigger.stderr).toBe(0);
    expect(trigger.stdout).toContain("Triggered parallel_tasks run k2 (queued) via the metadata database.");
    const run = await getDagRun(database.db, "parallel_tasks", "k2");
    expect(run).toMatchObject({ runType: "manual", state: "queued", dataIntervalStart: run!.logicalDate, dataIntervalEnd: run!.logicalDate });
  });

  it("--wait on a paused DAG says so on stderr and keeps waiting", async () => {
    const pause = await runCli(["dags", "pause", "parallel_tasks"], env);
    expect(pause.code, pause.stderr).toBe(0);
    const waiting = startCli(["dags", "trigger", "parallel_tasks", "--run-id", "paused_wait", "--wait"], env);
    try {
      const stderr = await waitForStderr(waiting, /is paused/, 30_000);
      expect(stderr).toBe('DAG "parallel_tasks" is paused: the run waits in queued until it is unpaused (updraft dags unpause parallel_tasks)\n');
      await new Promise((r) => setTimeout(r, 500));
      expect(waiting.output().stdout).toContain("Triggered parallel_tasks run paused_wait (queued)");
      expect(waiting.output().stdout).not.toContain("Run paused_wait");
    } finally {
      process.kill(waiting.pid, "SIGTERM");
    }
    expect((await waiting.result).code).toBeNull();
  });
});
