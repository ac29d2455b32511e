// A DAG file with a top-level setInterval hangs neither `dags list` (on the embedded database and
// on Postgres), nor `dags test` of another DAG, nor `dags test` of its own DAG (issue 10, item 8).
// `dags test` opens no database, so it has no per-database variant.
import { cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { migrate } from "@updraft/db";
import { createTestDatabase } from "@updraft/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXAMPLE_DAGS, makeHome, runCli } from "./support.ts";

let home: { home: string; cleanup: () => Promise<void> };
let folder: string;

beforeAll(async () => {
  home = await makeHome();
  folder = await mkdtemp(join(tmpdir(), "updraft-cli-handles-"));
  await cp(join(EXAMPLE_DAGS, "parallel_tasks.ts"), join(folder, "parallel_tasks.ts"));
  await writeFile(
    join(folder, "interval.ts"),
    `import { dag, task } from "@updraft/sdk";
setInterval(() => {}, 1_000);
export default dag({ dagId: "with_interval" }, () => void task({ taskId: "a" }, () => 1));`,
  );
});

afterAll(async () => {
  await home.cleanup();
  await rm(folder, { recursive: true, force: true });
});

describe("a DAG file leaving a timer open", () => {
  it("does not hang dags list or dags test of any DAG", async () => {
    const env = { UPDRAFT_HOME: home.home, UPDRAFT_DAGS_FOLDER: folder };
    const list = await runCli(["dags", "list", "--json"], env);
    expect(list.code).toBe(0);
    expect((JSON.parse(list.stdout) as { dags: Array<{ dag_id: string }> }).dags.map((d) => d.dag_id).sort()).toEqual(["parallel_tasks", "with_interval"]);
    expect((await runCli(["dags", "test", "parallel_tasks"], env)).code).toBe(0);
    const own = await runCli(["dags", "test", "with_interval"], env);
    expect(own.code).toBe(0);
    expect(own.stdout).toContain("DAG run with_interval success");
  }, 600_000); // three CLI starts on the embedded database; no hang means each call returns

  it("dags test fails at the import timeout when the DAG's file never finishes importing in the CLI", async () => {
    const hangs = await mkdtemp(join(tmpdir(), "updraft-cli-hangs-"));
    try {
      // Imports in the parse process (which has an IPC channel), hangs in the CLI's own process.
      await writeFile(
        join(hangs, "hangs_here.ts"),
        `import { dag, task } from "@updraft/sdk";
setInterval(() => {}, 1_000);
if (!process.send) await new Promise(() => {});
export default dag({ dagId: "hangs_here" }, () => void task({ taskId: "a" }, () => 1));`,
      );
      const result = await runCli(["dags", "test", "hangs_here"], { UPDRAFT_HOME: home.home, UPDRAFT_DAGS_FOLDER: hangs, UPDRAFT_DAG_IMPORT_TIMEOUT: "3" });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("importing hangs_here.ts took longer than 3s (UPDRAFT_DAG_IMPORT_TIMEOUT)");
    } finally {
      await rm(hangs, { recursive: true, force: true });
    }
  }, 300_000);

  it("does not hang dags list on Postgres", async () => {
    const testDb = await createTestDatabase("postgres");
    try {
      const database = await testDb.open();
      await migrate(database);
      const list = await runCli(["dags", "list", "--json"], { UPDRAFT_HOME: home.home, UPDRAFT_DAGS_FOLDER: folder, DATABASE_URL: testDb.databaseUrl! });
      expect(list.code, list.stderr).toBe(0);
      expect((JSON.parse(list.stdout) as { dags: Array<{ dag_id: string }> }).dags.map((d) => d.dag_id).sort()).toEqual(["parallel_tasks", "with_interval"]);
    } finally {
      await testDb.drop();
    }
  }, 300_000);
});
