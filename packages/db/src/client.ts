// Opens the Updraft database: Postgres through node-postgres when a URL is given, otherwise an
// embedded PGlite under the Updraft home, guarded by a directory lock. Callers get one drizzle
// type for both, so nothing above this file knows which driver runs.
import { join } from "node:path";
import { outageLog, silentLogger, UpdraftError, type Logger, type OutageLog } from "@updraft/core";
import type { PGlite } from "@electric-sql/pglite";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzleNodePg } from "drizzle-orm/node-postgres";
import pg from "pg";
import { ListenConnection } from "./listen-connection.ts";
import { lockDirectory } from "./lock.ts";
import { isConnectionError, maskDatabaseUrl } from "./pg-errors.ts";
import * as schema from "./schema/index.ts";

export type UpdraftSchema = typeof schema;

/**
 * Result shape of `db.execute(sql...)` common to node-postgres and PGlite: both return `rows`.
 * Narrower than drizzle's base HKT (`unknown`) so raw queries stay usable driver-agnostically.
 */
export interface UpdraftQueryResultHKT extends PgQueryResultHKT {
  type: RowsResult<this["row"]>;
}
export interface RowsResult<Row> {
  rows: Row[];
}

/** The drizzle database both drivers satisfy; write repositories against this. */
export type UpdraftDb = PgDatabase<UpdraftQueryResultHKT, UpdraftSchema>;

/** A transaction handle, as passed to `db.transaction(async (tx) => ...)`. */
export type UpdraftTx = Parameters<Parameters<UpdraftDb["transaction"]>[0]>[0];

export type DatabaseDriver = "postgres" | "pglite";

export interface UpdraftDatabase {
  db: UpdraftDb;
  driver: DatabaseDriver;
  /**
   * Subscribes to a Postgres NOTIFY channel (a dedicated connection on Postgres, PGlite's own
   * listener when embedded); resolves to a function that unsubscribes. On Postgres the connection
   * survives restarts: it reconnects, subscribes again and calls `onNotify("")` once, since
   * notifications sent while it was away are lost.
   */
  listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>>;
  /** Closes connections and, for PGlite, releases the directory lock. Safe to call twice. */
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** Postgres connection URL; when absent the embedded PGlite database is used. */
  databaseUrl?: string | undefined;
  /** The Updraft home directory; PGlite keeps its data in `${home}/db`. */
  home: string;
  /** Maximum Postgres connections in the pool (default 10). Ignored for PGlite. */
  poolSize?: number | undefined;
  /**
   * Where "Postgres unreachable" / "Postgres is back" go: one line each per outage, however many
   * queries fail in between. @defaultValue silent
   */
  logger?: Logger | undefined;
  /**
   * Postgres's `plan_cache_mode`, SET on each of this pool's connections when it connects.
   * `"force_custom_plan"` plans every execution of a prepared statement (runStatement) with its
   * values and the tables' current sizes, as an unnamed statement is, and saves only the parse:
   * for the scheduler, whose statements' plans depend on how many task instances are in which
   * state, which changes faster than statistics are taken (a plan cached while a table was nearly
   * empty read the whole primary key after it grew). @defaultValue none: the server's,
   * database's or role's setting stays. Ignored for PGlite.
   */
  planCacheMode?: "auto" | "force_custom_plan" | undefined;
}

/**
 * Opens the database and checks the connection works.
 * @throws UpdraftError UPDRAFT_DB_UNAVAILABLE when Postgres cannot be reached, UPDRAFT_DB_LOCKED
 * when another process has the embedded database open.
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<UpdraftDatabase> {
  return options.databaseUrl === undefined || options.databaseUrl === ""
    ? openPglite(options.home)
    : openPostgres(options.databaseUrl, options.poolSize ?? 10, options.logger ?? silentLogger, options.planCacheMode);
}

/** The data directory PGlite uses for a given Updraft home. */
export function pgliteDataDir(home: string): string {
  return join(home, "db");
}

async function openPostgres(databaseUrl: string, poolSize: number, logger: Logger, planCacheMode: OpenDatabaseOptions["planCacheMode"]): Promise<UpdraftDatabase> {
  // keepAlive and a connect timeout: a server that vanished without closing the socket (a cut
  // network) is noticed instead of hanging every query forever.
  const outage = outageLog(logger, "Postgres");
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: poolSize,
    keepAlive: true,
    connectionTimeoutMillis: 10_000,
    Client: reportingClient(outage),
    // pg-pool awaits this before it hands a new connection out, so the SET never overlaps the
    // first query (pg 8 deprecates a query sent while another runs; pg 9 refuses it). A SET, not
    // the `options` startup parameter: that would replace the user's own (`?options=` in the URL,
    // PGOPTIONS), and PgBouncer refuses it. Should the SET fail, the connection keeps the server's
    // setting; a lost connection fails the query after it too.
    ...(planCacheMode ? { onConnect: (client: pg.ClientBase) => client.query(`set plan_cache_mode = ${planCacheMode}`).then(() => undefined, () => undefined) } : {}),
  });
  // A client losing its connection emits 'error': on the pool while idle, on the client itself
  // while checked out (e.g. held in a transaction between two statements when Postgres restarts,
  // 57P01). Unhandled, either would crash the process. Both are handled: the pool drops the broken
  // client and the statement in flight, if any, reports the failure to its caller.
  pool.on("error", (error) => outage.down(error));
  pool.on("connect", (client) => {
    client.on("error", (error) => outage.down(error));
    outage.up();
  });
  try {
    await pool.query("select 1");
  } catch (error) {
    await pool.end().catch(() => {});
    const masked = maskDatabaseUrl(databaseUrl);
    const reason = error instanceof Error ? error.message : String(error);
    throw new UpdraftError("UPDRAFT_DB_UNAVAILABLE", `Cannot connect to the database at ${masked}: ${reason}`, {
      details: { url: masked },
      cause: error,
    });
  }
  const db = drizzleNodePg({ client: pool, schema });
  // LISTEN runs on its own connection that reconnects and subscribes again by itself.
  const listener = new ListenConnection(databaseUrl, outage);
  let closed: Promise<void> | undefined;
  return {
    db,
    driver: "postgres",
    listen: (channel, onNotify) => listener.listen(channel, onNotify),
    close: () =>
      (closed ??= (async () => {
        await listener.close();
        await pool.end();
      })()),
  };
}

/**
 * The pool's client class: a connection that cannot be made (refused, reset, "the database system
 * is starting up") opens the outage too. Without it, a process whose pool held no idle client when
 * Postgres went away (a quiet webserver) would fail every request and never say why.
 */
function reportingClient(outage: OutageLog): typeof pg.Client {
  const report = (error: unknown) => {
    if (isConnectionError(error)) outage.down(error);
  };
  return class ReportingClient extends pg.Client {
    override connect(): Promise<pg.Client>;
    override connect(callback: ((err: Error) => void) | ((err: null, c: pg.Client) => void)): void;
    override connect(callback?: ((err: Error) => void) | ((err: null, c: pg.Client) => void)): Promise<pg.Client> | void {
      if (callback === undefined) {
        return super.connect().catch((error: unknown) => {
          report(error);
          throw error;
        });
      }
      const done = callback as (err: Error | null, c?: pg.Client) => void;
      super.connect((error: Error | null, client?: pg.Client) => {
        if (error) report(error);
        done(error, client);
      });
    }
  };
}

/**
 * Postgres's buffer cache inside the embedded database, which lives in this process's memory.
 * Postgres zeroes its whole buffer cache at start, so the size is paid in RSS by every process
 * that opens PGlite (the CLI, the standalone): the initdb default of 128MB made a bare open cost
 * about 305 MiB RSS, 16MB makes it about 177 MiB, and `updraft dags list --json` over 1,000 DAG
 * files peaked at 388 MiB instead of about 290 MiB (issue 8). Pages beyond it are read from the data files
 * through the OS page cache, which no process is charged for.
 */
const PGLITE_SHARED_BUFFERS = "16MB";

async function openPglite(home: string): Promise<UpdraftDatabase> {
  const dataDir = pgliteDataDir(home);
  const lock = await lockDirectory(dataDir);
  // Loaded here, not at the top: processes on Postgres (the scheduler, workers) never pay for it.
  const [{ PGlite }, { drizzle: drizzlePglite }] = await Promise.all([import("@electric-sql/pglite"), import("drizzle-orm/pglite")]);
  let client: InstanceType<typeof PGlite>;
  try {
    client = await PGlite.create(dataDir, { startParams: [...PGlite.defaultStartParams, "-c", `shared_buffers=${PGLITE_SHARED_BUFFERS}`] });
  } catch (error) {
    await lock.release();
    throw error;
  }
  const db = drizzlePglite({ client, schema });
  let closed: Promise<void> | undefined;
  const analyzer = autoAnalyze(client, () => closed !== undefined);
  return {
    db,
    driver: "pglite",
    listen: async (channel, onNotify) => {
      const unsubscribe = await client.listen(channel, onNotify);
      return () => unsubscribe();
    },
    // Release the lock only once PGlite has flushed and closed, never while it may still write.
    close: () =>
      (closed ??= (async () => {
        clearInterval(analyzer);
        await client.close();
      })().finally(() => lock.release())),
  };
}

/** How often the embedded database's planner statistics are refreshed (its stand-in for autovacuum). */
const PGLITE_ANALYZE_EVERY_MS = 30_000;

/**
 * PGlite runs no autovacuum daemon, so its tables never get planner statistics: every estimate is
 * a default, and a keyed lookup of task instances (`join unnest(keys) on dag_id, run_id,
 * task_id`) walks the (dag_id, run_id) index through a whole run instead of using the primary
 * key, 80 times slower on a run of 10,000 tasks. ANALYZE samples a bounded number of rows per
 * table, so refreshing every PGLITE_ANALYZE_EVERY_MS costs milliseconds. Failures are ignored:
 * statistics are an optimisation.
 */
function autoAnalyze(client: Pick<PGlite, "exec">, closing: () => boolean): NodeJS.Timeout {
  const timer = setInterval(() => {
    if (!closing()) client.exec("analyze").catch(() => undefined);
  }, PGLITE_ANALYZE_EVERY_MS);
  timer.unref();
  return timer;
}
