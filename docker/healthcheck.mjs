#!/usr/bin/env node
// The image's HEALTHCHECK, one per role. The role is the Updraft command the container runs, read
// from PID 1's command line (docker-init/tini or the updraft launcher), or given as the first argument:
//   webserver, standalone  GET /api/v1/health on 127.0.0.1:$UPDRAFT_WEB_PORT answers and the
//                          metadatabase is healthy;
//   scheduler              this container's scheduler job row is running with a heartbeat younger
//                          than max(30 s, 3 x UPDRAFT_SCHEDULER_HEARTBEAT_SEC), as /api/v1/health judges;
//   worker                 this container's worker row is online with a heartbeat younger than
//                          UPDRAFT_WORKER_OFFLINE_AFTER_SEC (the scheduler's own limit);
//   anything else          (migrate, a one-off CLI command) healthy: there is nothing to watch.
// Rows are matched by hostname: a container's hostname is its own. Exit 0 healthy, 1 not.
// `pg` is the driver @updraft/db already ships; it is resolved through the CLI package
// (UPDRAFT_CLI_DIR, /opt/updraft/apps/cli by default), so this file needs no dependencies of its own.
import { readFileSync, realpathSync } from "node:fs";
import { createRequire } from "node:module";
import { hostname } from "node:os";
import { join } from "node:path";

const ROLES = ["webserver", "standalone", "scheduler", "worker"];
const TIMEOUT_MS = 4000;

function roleOf() {
  if (process.argv[2]) return process.argv[2];
  try {
    const args = readFileSync("/proc/1/cmdline", "utf8").split("\0");
    return args.find((a) => ROLES.includes(a)) ?? null;
  } catch {
    return null;
  }
}

const seconds = (name, fallback) => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
};

async function webserver() {
  const port = process.env.UPDRAFT_WEB_PORT || "8080";
  const res = await fetch(`http://127.0.0.1:${port}/api/v1/health`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  const body = res.ok ? await res.json() : null;
  if (body?.metadatabase?.status !== "healthy") throw new Error(`/api/v1/health: HTTP ${res.status} ${JSON.stringify(body)}`);
  return "webserver answers, metadatabase healthy";
}

async function heartbeatRow(sql, maxAgeSec) {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set");
  const cliDir = process.env.UPDRAFT_CLI_DIR || "/opt/updraft/apps/cli";
  const dbDir = realpathSync(join(cliDir, "node_modules", "@updraft", "db"));
  const pg = createRequire(join(dbDir, "package.json"))("pg");
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: TIMEOUT_MS, statement_timeout: TIMEOUT_MS, application_name: "updraft-healthcheck" });
  await client.connect();
  try {
    const { rows } = await client.query(sql, [hostname(), maxAgeSec]);
    if (rows.length === 0) throw new Error(`no heartbeat from ${hostname()} in the last ${maxAgeSec} s`);
    return rows[0];
  } finally {
    await client.end().catch(() => {});
  }
}

async function scheduler() {
  const maxAge = Math.max(30, 3 * seconds("UPDRAFT_SCHEDULER_HEARTBEAT_SEC", 5));
  const row = await heartbeatRow(
    `select id, latest_heartbeat from scheduler_jobs
     where job_type = 'scheduler' and hostname = $1 and state = 'running' and latest_heartbeat > now() - make_interval(secs => $2)
     order by latest_heartbeat desc limit 1`,
    maxAge,
  );
  return `scheduler job ${row.id} heartbeat ${new Date(row.latest_heartbeat).toISOString()}`;
}

async function worker() {
  const maxAge = seconds("UPDRAFT_WORKER_OFFLINE_AFTER_SEC", 30);
  const row = await heartbeatRow(
    `select name, last_heartbeat, active from workers
     where hostname = $1 and state = 'online' and last_heartbeat > now() - make_interval(secs => $2)
     order by last_heartbeat desc limit 1`,
    maxAge,
  );
  return `${row.name} online, ${row.active} running, heartbeat ${new Date(row.last_heartbeat).toISOString()}`;
}

const role = roleOf();
const checks = { webserver, standalone: webserver, scheduler, worker };
const checkRole = checks[role];
if (!checkRole) {
  console.log(`healthy: no long-running Updraft role to check (${role ?? "none"})`);
  process.exit(0);
}
const timer = setTimeout(() => {
  console.log(`unhealthy: ${role} check took over ${2 * TIMEOUT_MS} ms`);
  process.exit(1);
}, 2 * TIMEOUT_MS);
checkRole().then(
  (detail) => {
    clearTimeout(timer);
    console.log(`healthy: ${detail}`);
    process.exit(0);
  },
  (error) => {
    clearTimeout(timer);
    console.log(`unhealthy (${role}): ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
