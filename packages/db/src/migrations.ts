// Schema migrations: applying the SQL files drizzle-kit generated into ../drizzle, reporting
// whether a database is up to date, and wiping it for `updraft db reset`.
import { fileURLToPath } from "node:url";
import { UpdraftError } from "@updraft/core";
import { sql } from "drizzle-orm";
import { readMigrationFiles } from "drizzle-orm/migrator";
import { drizzle as drizzleNodePg } from "drizzle-orm/node-postgres";
import { migrate as migrateNodePg } from "drizzle-orm/node-postgres/migrator";
import type { PgliteDatabase } from "drizzle-orm/pglite";
import type pg from "pg";
import type { DatabaseDriver, UpdraftDatabase, UpdraftSchema } from "./client.ts";

// Resolved from this file so it works both from src/ (tests, tsx) and dist/ (built package).
const MIGRATIONS_FOLDER = fileURLToPath(new URL("../drizzle", import.meta.url));
const MIGRATIONS_SCHEMA = "drizzle";
const MIGRATIONS_TABLE = "__drizzle_migrations";
// Arbitrary constant key for pg_advisory_lock, so processes starting together migrate one by one.
const MIGRATION_LOCK_KEY = 7_243_001;

export interface DatabaseCheck {
  ok: boolean;
  driver: DatabaseDriver;
  applied: number;
  pending: number;
  message: string;
}

const MIGRATION_CONFIG = { migrationsFolder: MIGRATIONS_FOLDER, migrationsSchema: MIGRATIONS_SCHEMA, migrationsTable: MIGRATIONS_TABLE };

/** Applies every migration not yet applied. Idempotent, and safe when several processes run it at once. */
export async function migrate(database: UpdraftDatabase): Promise<void> {
  switch (database.driver) {
    case "postgres":
      await migratePostgresSerialized(database);
      return;
    case "pglite": {
      // The directory lock already makes this process the only one using the database. Loaded
      // here: processes on Postgres never load the PGlite driver.
      const { migrate: migratePglite } = await import("drizzle-orm/pglite/migrator");
      await migratePglite(database.db as PgliteDatabase<UpdraftSchema>, MIGRATION_CONFIG);
      return;
    }
  }
}

/**
 * Reports whether the connection works and every migration is applied. Never throws for a
 * broken database: the answer goes into `ok` and `message` for health endpoints.
 */
export async function checkDatabase(database: UpdraftDatabase): Promise<DatabaseCheck> {
  return (await inspect(database)).check;
}

/**
 * Throws unless every migration is applied; for processes that must not run on an old schema.
 * @throws UpdraftError UPDRAFT_DB_NOT_MIGRATED, or UPDRAFT_DB_UNAVAILABLE when the query fails.
 */
export async function assertMigrated(database: UpdraftDatabase): Promise<void> {
  const { check, unavailable } = await inspect(database);
  if (check.ok) return;
  throw new UpdraftError(unavailable ? "UPDRAFT_DB_UNAVAILABLE" : "UPDRAFT_DB_NOT_MIGRATED", check.message, {
    details: { ...check },
  });
}

async function inspect(database: UpdraftDatabase): Promise<{ check: DatabaseCheck; unavailable: boolean }> {
  const total = readMigrationFiles({ migrationsFolder: MIGRATIONS_FOLDER });
  const result = (ok: boolean, applied: number, message: string, unavailable = false) => ({
    check: { ok, driver: database.driver, applied, pending: total.length - applied, message },
    unavailable,
  });
  let lastApplied: number | undefined;
  try {
    lastApplied = await lastAppliedMigrationMillis(database);
  } catch (error) {
    return result(false, 0, `Database query failed: ${error instanceof Error ? error.message : String(error)}`, true);
  }
  // Mirrors drizzle's migrator, which applies every migration newer than the last recorded one.
  const applied = lastApplied === undefined ? 0 : total.filter((m) => m.folderMillis <= lastApplied).length;
  const pending = total.length - applied;
  if (pending > 0) return result(false, applied, `${pending} of ${total.length} migrations pending; run \`updraft db migrate\``);
  return result(true, applied, `All ${total.length} migrations applied`);
}

/** Drops every table and the migration history, then migrates again: an empty, current database. */
export async function resetDatabase(database: UpdraftDatabase): Promise<void> {
  await database.db.transaction(async (tx) => {
    await tx.execute(sql`drop schema if exists ${sql.identifier(MIGRATIONS_SCHEMA)} cascade`);
    await tx.execute(sql`drop schema if exists public cascade`);
    await tx.execute(sql`create schema public`);
  });
  await migrate(database);
}

// drizzle's migrator is not safe against itself: two processes both see "nothing applied" and the
// second fails on CREATE TABLE. A session advisory lock on one dedicated connection, with the
// migration running on that same connection, serializes them without needing a second one.
async function migratePostgresSerialized(database: UpdraftDatabase): Promise<void> {
  const pool = (database.db as unknown as { $client: pg.Pool }).$client;
  const client = await pool.connect();
  try {
    await client.query("select pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]);
    try {
      await migrateNodePg(drizzleNodePg({ client }), MIGRATION_CONFIG);
    } finally {
      await client.query("select pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY]);
    }
  } finally {
    client.release();
  }
}

async function lastAppliedMigrationMillis(database: UpdraftDatabase): Promise<number | undefined> {
  const exists = await database.db.execute<{ present: string | null }>(
    sql`select to_regclass(${`${MIGRATIONS_SCHEMA}.${MIGRATIONS_TABLE}`})::text as present`,
  );
  if (exists.rows[0]?.present == null) return undefined;
  const rows = await database.db.execute<{ last: string | number | null }>(
    sql`select max(created_at) as last from ${sql.identifier(MIGRATIONS_SCHEMA)}.${sql.identifier(MIGRATIONS_TABLE)}`,
  );
  const last = rows.rows[0]?.last;
  return last == null ? undefined : Number(last);
}
