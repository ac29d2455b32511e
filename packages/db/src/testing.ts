// Throwaway databases for tests across the monorepo: a uniquely named Postgres database per
// call (so parallel test files never share state) or a PGlite home in a temp directory.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { openDatabase, type DatabaseDriver, type UpdraftDatabase } from "./client.ts";

export interface TestDatabase {
  driver: DatabaseDriver;
  /** Set for the postgres driver: the URL of the fresh database. */
  databaseUrl?: string;
  /** A fresh temp directory; PGlite keeps its data in `${home}/db`. */
  home: string;
  /** Opens (another) connection to the test database; not migrated yet. */
  open(): Promise<UpdraftDatabase>;
  /** Closes what `open()` returned, then deletes the database and the home directory. */
  drop(): Promise<void>;
}

const DEFAULT_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres";

/** The server-level URL used to create and drop test databases (TEST_DATABASE_ADMIN_URL). */
export function testAdminUrl(): string {
  return process.env.TEST_DATABASE_ADMIN_URL ?? DEFAULT_ADMIN_URL;
}

/**
 * Creates an empty database for one test suite. Call `drop()` in afterAll.
 * @example
 * const testDb = await createTestDatabase("pglite");
 * const database = await testDb.open();
 * await migrate(database);
 */
export async function createTestDatabase(driver: DatabaseDriver): Promise<TestDatabase> {
  const home = await mkdtemp(join(tmpdir(), "updraft-test-"));
  const opened: UpdraftDatabase[] = [];
  let databaseUrl: string | undefined;
  let databaseName: string | undefined;

  if (driver === "postgres") {
    databaseName = `updraft_test_${Date.now().toString(36)}_${randomBytes(6).toString("hex")}`;
    const url = new URL(testAdminUrl());
    url.pathname = `/${databaseName}`;
    databaseUrl = url.toString();
    try {
      await withAdminClient((client) => client.query(`create database "${databaseName}"`));
    } catch (error) {
      await rm(home, { recursive: true, force: true });
      throw error;
    }
  }

  let dropped: Promise<void> | undefined;
  const drop = async (): Promise<void> => {
    await Promise.allSettled(opened.map((database) => database.close()));
    if (databaseName !== undefined) {
      const name = databaseName;
      await withAdminClient(async (client) => {
        // Connections a test leaked would make DROP DATABASE fail; end them first.
        await client.query("select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()", [name]);
        await client.query(`drop database if exists "${name}"`);
      });
    }
    await rm(home, { recursive: true, force: true });
  };

  return {
    driver,
    ...(databaseUrl === undefined ? {} : { databaseUrl }),
    home,
    async open() {
      const database = await openDatabase({ databaseUrl, home, poolSize: 4 });
      opened.push(database);
      return database;
    },
    drop: () => (dropped ??= drop()),
  };
}

async function withAdminClient<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: testAdminUrl() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
