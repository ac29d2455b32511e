// runStatement (raw-statement.ts) on both drivers: a fixed text with `$n` parameters returns its
// rows, and inside a drizzle transaction it runs on that transaction's connection: it sees the
// transaction's own writes, and what it wrote goes when the transaction rolls back. (On
// node-postgres it runs as a named prepared statement there too, on the transaction's client.)
import { describe, expect, it } from "vitest";
import { tmpdir } from "node:os";
import { openDatabase, runStatement, type RawStatement } from "../src/index.ts";
import { createTestDatabase } from "../src/testing.ts";
import { DRIVERS, useMigratedDatabase } from "./support/test-database.ts";

const INSERT_POOL: RawStatement = { name: "test_insert_pool_v1", text: "insert into pools (name, slots) select n, $2::int from unnest($1::text[]) as n returning name" };
const POOL_SLOTS: RawStatement = { name: "test_pool_slots_v1", text: "select name, slots from pools where name = any($1::text[]) order by name" };

describe.each(DRIVERS)("runStatement (%s)", (driver) => {
  const database = useMigratedDatabase(driver);

  it("returns the statement's rows, again with other values (one prepared statement)", async () => {
    const { db } = database();
    expect(await runStatement(db, INSERT_POOL, [["a", "b"], 3])).toEqual([{ name: "a" }, { name: "b" }]);
    expect(await runStatement(db, POOL_SLOTS, [["a"]])).toEqual([{ name: "a", slots: 3 }]);
    expect(await runStatement(db, POOL_SLOTS, [["a", "b", "missing"]])).toEqual([
      { name: "a", slots: 3 },
      { name: "b", slots: 3 },
    ]);
  });

  it("joins a drizzle transaction: sees its writes, and is rolled back with it", async () => {
    const { db } = database();
    await expect(
      db.transaction(async (tx) => {
        await runStatement(tx, INSERT_POOL, [["in_tx"], 5]);
        expect(await runStatement(tx, POOL_SLOTS, [["in_tx"]])).toEqual([{ name: "in_tx", slots: 5 }]);
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    expect(await runStatement(db, POOL_SLOTS, [["in_tx"]])).toEqual([]);
  });
});

describe("openDatabase's planCacheMode (postgres)", () => {
  it("sets plan_cache_mode on every connection of the pool before handing it out, keeps the URL's own options, and leaves the server's default otherwise", async () => {
    // The SET must be done before a new connection is handed out, not queued beside its first
    // query: pg 8 warns (once a process) of a query sent while another runs, and pg 9 refuses it.
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.message);
    process.on("warning", onWarning);
    const testDb = await createTestDatabase("postgres");
    const withOptions = new URL(testDb.databaseUrl!);
    withOptions.searchParams.set("options", "-c statement_timeout=123456");
    const custom = await openDatabase({ databaseUrl: withOptions.toString(), home: tmpdir(), poolSize: 2, planCacheMode: "force_custom_plan" });
    const plain = await openDatabase({ databaseUrl: testDb.databaseUrl!, home: tmpdir(), poolSize: 1 });
    const SHOW: RawStatement = { name: "test_show_plan_cache_mode_v1", text: "select current_setting('plan_cache_mode') as mode" };
    const TIMEOUT: RawStatement = { name: "test_show_statement_timeout_v1", text: "select current_setting('statement_timeout') as timeout" };
    try {
      // Two at once: both of the pool's connections.
      const modes = await Promise.all([0, 1].map(() => custom.db.transaction((tx) => runStatement<{ mode: string }>(tx, SHOW, []))));
      expect(modes.flat()).toEqual([{ mode: "force_custom_plan" }, { mode: "force_custom_plan" }]);
      expect(await runStatement(custom.db, TIMEOUT, [])).toEqual([{ timeout: "123456ms" }]);
      expect(await runStatement(plain.db, SHOW, [])).toEqual([{ mode: "auto" }]);
      await new Promise((resolve) => setImmediate(resolve)); // process warnings are emitted on a later tick
      expect(warnings.filter((m) => m.includes("already executing a query"))).toEqual([]);
    } finally {
      process.off("warning", onWarning);
      await custom.close();
      await plain.close();
      await testDb.drop();
    }
  });
});
