// `updraft variables export` -> delete -> `import`, and the same for `updraft connections`, through
// the real CLI on Postgres and on PGlite (embedded database in UPDRAFT_HOME), with a Fernet key so
// the values are encrypted at rest: what comes back is what went in, passwords and extra included.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { createTestDatabase } from "@updraft/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXAMPLE_DAGS, makeHome, runCli } from "./support.ts";

const FERNET = "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=";

describe.each(["postgres", "pglite"] as const)("variables and connections round-trip on %s", (driver) => {
  let env: Record<string, string>;
  let home: string;
  let cleanup: () => Promise<void>;
  const cli = async (...args: string[]) => {
    const result = await runCli(args, env);
    expect(result.code, `${args.join(" ")}: ${result.stderr}`).toBe(0);
    return result.stdout;
  };

  beforeAll(async () => {
    const database = await createTestDatabase(driver);
    const h = await makeHome();
    home = h.home;
    env = { UPDRAFT_HOME: home, UPDRAFT_DAGS_FOLDER: EXAMPLE_DAGS, UPDRAFT_FERNET_KEY: FERNET, ...(database.databaseUrl ? { DATABASE_URL: database.databaseUrl } : {}) };
    cleanup = async () => {
      await database.drop();
      await h.cleanup();
    };
    await cli("db", "migrate");
  }, 120_000);
  afterAll(() => cleanup());

  it("variables: export, delete every one, import, and get the same values back", { timeout: 120_000 }, async () => {
    await cli("variables", "set", "report_settings", '{"batch": 50, "tags": ["a", "b"]}', "--serialize-json");
    await cli("variables", "set", "greeting", "hello world", "--description", "plain text");
    await cli("variables", "set", "threshold", "42");
    const file = join(home, "variables.json");
    expect(await cli("variables", "export", file)).toContain("3 variables exported");
    const exported = JSON.parse(await readFile(file, "utf8")) as Record<string, unknown>;
    expect(exported).toEqual({ report_settings: { batch: 50, tags: ["a", "b"] }, greeting: "hello world", threshold: 42 });

    for (const key of Object.keys(exported)) await cli("variables", "delete", key);
    expect(JSON.parse(await cli("variables", "list", "--json"))).toEqual([]);

    expect(await cli("variables", "import", file)).toContain("3 of 3 variables successfully updated");
    expect(JSON.parse(await cli("variables", "get", "report_settings", "--deserialize-json"))).toEqual({ batch: 50, tags: ["a", "b"] });
    expect((await cli("variables", "get", "greeting")).trim()).toBe("hello world");
    expect((await cli("variables", "get", "threshold")).trim()).toBe("42");
    // A second export of the imported variables is the same file.
    const again = join(home, "variables-again.json");
    await cli("variables", "export", again);
    expect(JSON.parse(await readFile(again, "utf8"))).toEqual(exported);
  });

  it("connections: export, delete, import, and get the same fields back, password and extra included", { timeout: 120_000 }, async () => {
    await cli("connections", "add", "warehouse_db", "--conn-uri", "postgres://report:s3cret-pw@wh.internal:5432/dw");
    await cli("connections", "add", "api", "--conn-json", '{"conn_type": "http", "host": "example.com", "port": 443, "password": "t0ken", "extra": {"verify": true}, "description": "the API"}');
    const before = {
      warehouse_db: JSON.parse(await cli("connections", "get", "warehouse_db", "--json", "--show-password")) as Record<string, unknown>,
      api: JSON.parse(await cli("connections", "get", "api", "--json", "--show-password")) as Record<string, unknown>,
    };
    expect(before.warehouse_db).toMatchObject({ conn_type: "postgres", host: "wh.internal", login: "report", password: "s3cret-pw", port: 5432, schema: "dw" });
    const file = join(home, "connections.json");
    expect(await cli("connections", "export", file)).toContain("2 connections successfully exported");

    await cli("connections", "delete", "warehouse_db");
    await cli("connections", "delete", "api");
    expect(JSON.parse(await cli("connections", "list", "--json"))).toEqual([]);

    const imported = await cli("connections", "import", file);
    expect(imported).toContain("Imported connection warehouse_db");
    expect(imported).toContain("Imported connection api");
    expect(JSON.parse(await cli("connections", "get", "warehouse_db", "--json", "--show-password"))).toEqual(before.warehouse_db);
    expect(JSON.parse(await cli("connections", "get", "api", "--json", "--show-password"))).toEqual(before.api);
    // Without --show-password the password stays masked.
    expect(JSON.parse(await cli("connections", "get", "api", "--json"))).toMatchObject({ password: "***" });
  });
});
