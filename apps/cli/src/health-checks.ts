// The checks behind `updraft health`: each asks one dependency of a process whether it answers,
// with its own timeout, and says in one line what it found. They use the drivers directly (pg,
// ioredis, fetch) rather than the database and broker layers, so a health probe that runs every
// few seconds in every container starts in a fraction of a second and holds no pool.
import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import type { FrozenConfig } from "@updraft/config";

/** The long-running roles a health probe can check; `none` checks the servers only. */
export const HEALTH_ROLES = ["scheduler", "worker", "webserver", "standalone", "none"] as const;
export type HealthRole = (typeof HEALTH_ROLES)[number];

/** What one check found: `dependency` names what was asked (database, redis, scheduler, ...). */
export interface CheckResult {
  dependency: string;
  ok: boolean;
  detail: string;
}

export interface HealthOptions {
  role: HealthRole;
  /** Per check, in milliseconds; a check that takes longer fails. */
  timeoutMs: number;
  /** Worker role: the worker's name (`updraft worker --name`); default: any worker on this host. */
  workerName?: string | undefined;
  /** Rows are matched by hostname; default os.hostname() (a container's own). */
  hostname?: string;
}

/** A scheduler heartbeat older than this (or 3 heartbeat intervals, if longer) means it is gone, as /api/v1/health judges. */
const SCHEDULER_HEALTH_THRESHOLD_MS = 30_000;

/**
 * The role of the container this runs in, read from PID 1's command line (`docker-init --
 * updraft worker ...` or `updraft worker ...`): the first word that names a role. `none` when
 * there is none (a one-off command, or not in a container).
 */
export function containerRole(cmdline = readProcOne()): HealthRole {
  const words = cmdline.split("\0");
  const role = words.find((w): w is HealthRole => (HEALTH_ROLES as readonly string[]).includes(w) && w !== "none");
  return role ?? "none";
}

function readProcOne(): string {
  try {
    return readFileSync("/proc/1/cmdline", "utf8");
  } catch {
    return "";
  }
}

/**
 * Runs the checks the role needs, all at once, each bounded by `timeoutMs`:
 * - every role with `DATABASE_URL`: `database` (select 1);
 * - the distributed executor, except standalone: `redis` (PING);
 * - scheduler: `scheduler`, its job row on this host is running with a fresh heartbeat;
 * - worker: `worker`, its row is online with a heartbeat younger than UPDRAFT_WORKER_OFFLINE_AFTER_SEC;
 * - webserver, standalone: `webserver`, GET /api/v1/health answers on UPDRAFT_WEB_PORT and
 *   names no unhealthy metadatabase or broker.
 * Never throws: a failure is a result with `ok: false`.
 */
export async function runHealthChecks(config: FrozenConfig, options: HealthOptions): Promise<CheckResult[]> {
  const checks: Array<Promise<CheckResult>> = [];
  const host = options.hostname ?? hostname();
  const url = config.databaseUrl;
  if (url) checks.push(bounded("database", options.timeoutMs, () => databaseAnswers(url, options.timeoutMs)));
  else if (options.role === "scheduler" || options.role === "worker") {
    checks.push(Promise.resolve({ dependency: "database", ok: false, detail: "DATABASE_URL is not set: the embedded database belongs to the process that holds it" }));
  }
  if (config.executor === "distributed" && options.role !== "standalone") {
    checks.push(bounded("redis", options.timeoutMs, () => redisAnswers(config.redisUrl, options.timeoutMs)));
  }
  if (url && options.role === "scheduler") {
    const maxAgeMs = Math.max(SCHEDULER_HEALTH_THRESHOLD_MS, 3 * config.schedulerHeartbeatMs);
    checks.push(bounded("scheduler", options.timeoutMs, () => schedulerAlive(url, host, maxAgeMs, options.timeoutMs)));
  }
  if (url && options.role === "worker") {
    checks.push(bounded("worker", options.timeoutMs, () => workerAlive(url, host, options.workerName, config.workerOfflineAfterMs, options.timeoutMs)));
  }
  if (options.role === "webserver" || options.role === "standalone") {
    checks.push(bounded("webserver", options.timeoutMs, () => webserverAnswers(config, options.timeoutMs)));
  }
  return Promise.all(checks);
}

async function bounded(dependency: string, timeoutMs: number, check: () => Promise<string>): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return { dependency, ok: true, detail: await Promise.race([check(), timeout]) };
  } catch (error) {
    return { dependency, ok: false, detail: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

async function query<Row extends object>(url: string, timeoutMs: number, text: string, values: unknown[] = []): Promise<Row[]> {
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs, statement_timeout: timeoutMs, application_name: "updraft-health" });
  // An error after connect (the server going away mid-check) must not crash the probe.
  client.on("error", () => {});
  try {
    await client.connect();
    return (await client.query<Row>(text, values)).rows;
  } finally {
    await client.end().catch(() => {});
  }
}

async function databaseAnswers(url: string, timeoutMs: number): Promise<string> {
  try {
    await query(url, timeoutMs, "select 1");
  } catch (error) {
    throw new Error(`${maskUrl(url)}: ${describe(error)}`, { cause: error });
  }
  return `${maskUrl(url)} answers`;
}

async function redisAnswers(url: string, timeoutMs: number): Promise<string> {
  const { Redis } = await import("ioredis");
  // One attempt, no reconnects, no offline queue: the probe wants an answer now or a failure.
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
  let lastError: unknown;
  redis.on("error", (error: unknown) => (lastError = error));
  try {
    await redis.connect();
    const answer = await redis.ping();
    if (answer !== "PONG") throw new Error(`PING answered ${answer}`);
    return `${maskUrl(url)} answers PING`;
  } catch (error) {
    throw new Error(`${maskUrl(url)}: ${describe(lastError ?? error)}`, { cause: error });
  } finally {
    redis.disconnect();
  }
}

async function schedulerAlive(url: string, host: string, maxAgeMs: number, timeoutMs: number): Promise<string> {
  const rows = await query<{ id: string; latest_heartbeat: Date }>(
    url,
    timeoutMs,
    `select id, latest_heartbeat from scheduler_jobs
     where job_type = 'scheduler' and hostname = $1 and state = 'running' and latest_heartbeat > now() - make_interval(secs => $2)
     order by latest_heartbeat desc limit 1`,
    [host, maxAgeMs / 1000],
  );
  const row = rows[0];
  if (!row) throw new Error(`no running scheduler on ${host} with a heartbeat in the last ${maxAgeMs / 1000} s`);
  return `job ${row.id} on ${host}, heartbeat ${row.latest_heartbeat.toISOString()}`;
}

async function workerAlive(url: string, host: string, name: string | undefined, maxAgeMs: number, timeoutMs: number): Promise<string> {
  const [where, key] = name === undefined ? ["hostname = $1", host] : ["name = $1", name];
  const rows = await query<{ name: string; state: string; last_heartbeat: Date; active: number }>(
    url,
    timeoutMs,
    `select name, state, last_heartbeat, active from workers where ${where} order by last_heartbeat desc limit 1`,
    [key],
  );
  const row = rows[0];
  const who = name === undefined ? `no worker on ${host}` : `no worker named ${name}`;
  if (!row) throw new Error(`${who} has registered`);
  const ageMs = Date.now() - row.last_heartbeat.getTime();
  if (row.state !== "online") throw new Error(`${row.name} is ${row.state}`);
  if (ageMs > maxAgeMs) throw new Error(`${row.name}'s last heartbeat is ${Math.round(ageMs / 1000)} s old (limit ${maxAgeMs / 1000} s)`);
  return `${row.name} online, ${row.active} running, heartbeat ${Math.round(ageMs / 100) / 10} s ago`;
}

interface HealthBody {
  metadatabase?: { status?: string };
  broker?: { status?: string };
}

async function webserverAnswers(config: FrozenConfig, timeoutMs: number): Promise<string> {
  // A server bound to every interface answers on loopback; one bound to a single address, there.
  const host = ["0.0.0.0", "::", ""].includes(config.web.host) ? "127.0.0.1" : config.web.host;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${config.web.port}/api/v1/health`;
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    throw new Error(`${url}: ${describe(error)}`, { cause: error });
  }
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  const body = (await res.json()) as HealthBody;
  const down = [
    body.metadatabase?.status !== "healthy" ? "metadatabase" : null,
    body.broker !== undefined && body.broker.status !== "healthy" ? "broker" : null,
  ].filter((d) => d !== null);
  if (down.length > 0) throw new Error(`${url} answers, but reports ${down.join(" and ")} unhealthy`);
  return `${url} answers, metadatabase healthy${body.broker ? ", broker healthy" : ""}`;
}

/** The URL without its password. */
function maskUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== "") parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(unparseable URL)";
  }
}

function describe(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return describe(error.errors[0]);
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    const cause = error.cause instanceof Error ? `: ${describe(error.cause)}` : "";
    const message = error.message || code || error.name;
    return `${message}${code && !message.includes(code) ? ` (${code})` : ""}${cause}`;
  }
  return String(error);
}
