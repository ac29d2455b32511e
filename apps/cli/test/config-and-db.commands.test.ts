// Configuration errors, `db migrate|check|reset`, `users create` on Postgres and PGlite, and the
// embedded database's lock against a second process.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "@updraft/db/testing";
import { EXAMPLE_DAGS, makeHome, runCli } from "./support.ts";

describe("configuration", () => {
  it("stops with one line naming a bad variable", async () => {
    const result = await runCli(["dags", "list"], { UPDRAFT_PARALLELISM: "many", UPDRAFT_DAGS_FOLDER: EXAMPLE_DAGS });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toContain('UPDRAFT_PARALLELISM="many" is invalid');
  });

  it("answers --help on every command", async () => {
    for (const args of [["--help"], ["db", "--help"], ["db", "reset", "--help"], ["users", "create", "--help"], ["dags", "test", "--help"], ["tasks", "test", "--help"], ["dags", "trigger", "--help"], ["dags", "pause", "--help"], ["dags", "unpause", "--help"], ["dags", "backfill", "--help"], ["scheduler", "--help"], ["webserver", "--help"], ["standalone", "--help"]]) {
      const result = await runCli(args, {});
      expect(result.code, args.join(" ")).toBe(0);
      expect(result.stdout).toContain("Usage: updraft");
    }
  });
});

describe.each(["postgres", "pglite"] as const)("db and users commands on %s", (driver) => {
  let env: Record<string, string>;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    const database = await createTestDatabase(driver);
    const home = await makeHome();
    env = { UPDRAFT_HOME: home.home, UPDRAFT_DAGS_FOLDER: EXAMPLE_DAGS, ...(database.databaseUrl ? { DATABASE_URL: database.databaseUrl } : {}) };
    cleanup = async () => {
      await database.drop();
      await home.cleanup();
    };
  });
  afterAll(() => cleanup());

  it("migrates, checks, creates users and resets", async () => {
    if (driver === "postgres") {
      const before = await runCli(["db", "check"], env);
      expect(before.code).toBe(1);
      expect(before.stdout).toContain("NOT OK");
    }
    const migrate = await runCli(["db", "migrate"], env);
    expect(migrate.code, migrate.stderr).toBe(0);
    const check = await runCli(["db", "check"], env);
    expect(check.code).toBe(0);
    expect(check.stdout).toMatch(/^OK/);

    const create = await runCli(["users", "create", "--username", "ada", "--password", "s3cret-pass", "--role", "Op"], env);
    expect(create.code, create.stderr).toBe(0);
    expect(create.stdout).toContain('Created user "ada" with role Op');
    const again = await runCli(["users", "create", "--username", "ada", "--password", "s3cret-pass", "--role", "Op"], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("UPDRAFT_USER_EXISTS");
    const badRole = await runCli(["users", "create", "--username", "bob", "--password", "s3cret-pass", "--role", "King"], env);
    expect(badRole.code).not.toBe(0);
    expect(badRole.stderr).toContain("Allowed choices are Admin, Op, Viewer");

    const refused = await runCli(["db", "reset"], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("UPDRAFT_CONFIRMATION_REQUIRED");
    const reset = await runCli(["db", "reset", "--yes"], env);
    expect(reset.code, reset.stderr).toBe(0);
    const recreate = await runCli(["users", "create", "--username", "ada", "--password", "s3cret-pass", "--role", "Viewer"], env);
    expect(recreate.code).toBe(0);
  });
});
