#!/usr/bin/env node
// The scenario of the compose end-to-end test, against a stack that .ci/compose-test.sh built and
// configured: up -d, health, parallel_tasks, --scale worker=3, a fan-out over every worker, a worker
// killed mid-task, a scheduler restarted mid-run, two webservers behind the proxy sharing one
// session (then one stopped), workers of a second project. Everything goes through the REST API and the
// compose CLI, as a user would. Cleanup (down -v, logs on failure) is compose-test.sh's job.
//
// Environment (set by compose-test.sh):
//   COMPOSE_CMD      JSON array: the compose command with its -p/-f/--env-file/--project-directory
//   UPDRAFT_URL      base URL of the published webserver, e.g. http://127.0.0.1:18080
//   UPDRAFT_ADMIN_PASSWORD  the admin password the generated .env gave `migrate`
//   SUMMARY_FILE     where to append the measured numbers (one "key: value" line each)
//   EXTRA_COMPOSE_CMD  JSON array: compose for docker-compose.workers.yml as a second project
//                    joined to the first one's network (the "workers on other machines" step)
// Every HTTP request has its own timeout: through docker-proxy, a request to a port whose
// container is not listening yet can hang instead of being refused.
import { spawn } from "node:child_process";
import { appendFileSync } from "node:fs";

const compose = JSON.parse(process.env.COMPOSE_CMD ?? "null");
const base = process.env.UPDRAFT_URL;
const password = process.env.UPDRAFT_ADMIN_PASSWORD;
const summaryFile = process.env.SUMMARY_FILE;
if (!Array.isArray(compose) || !base || !password) {
  console.error("compose-scenario.mjs: COMPOSE_CMD, UPDRAFT_URL and UPDRAFT_ADMIN_PASSWORD are required (run .ci/compose-test.sh)");
  process.exit(2);
}
const auth = `Basic ${Buffer.from(`admin:${password}`).toString("base64")}`;
const t0 = Date.now();
const elapsed = (since = t0) => `${((Date.now() - since) / 1000).toFixed(1)} s`;
const log = (msg) => console.log(`[compose-test +${elapsed()}] ${msg}`);
const record = (key, value) => {
  log(`${key}: ${value}`);
  if (summaryFile) appendFileSync(summaryFile, `${key}: ${value}\n`);
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
class Failure extends Error {}
const check = (ok, message) => {
  if (!ok) throw new Failure(message);
};

/** Runs a command; resolves with its stdout, rejects with its stderr on a non-zero exit. */
function run(argv, { quiet = false } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => {
      err += d;
      if (!quiet) process.stderr.write(d);
    });
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(out) : reject(new Failure(`${argv.join(" ")} exited ${code}: ${err.trim().slice(-2000)}`))));
  });
}
const dc = (...args) => run([...compose, ...args]);
const containerIds = async (service) => (await run([...compose, "ps", "-q", service], { quiet: true })).split("\n").filter(Boolean);

/** One API request with a per-request timeout; returns { status, body }. */
async function api(method, path, body, timeoutMs = 10_000) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: auth, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON: kept as text below
  }
  return { status: res.status, body: json ?? text };
}

/** Polls `probe` (errors count as "not yet") until it returns a truthy value or the deadline passes. */
async function waitFor(what, probe, { timeoutMs, everyMs = 1000 }) {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() > deadline) throw new Failure(`timed out after ${timeoutMs / 1000} s waiting for ${what}${last ? ` (last error: ${last})` : ""}`);
    await sleep(everyMs);
  }
}

const enc = encodeURIComponent;
async function trigger(dagId, conf = {}) {
  await waitFor(`DAG ${dagId} to be parsed`, async () => (await api("GET", `/api/v1/dags/${enc(dagId)}`)).status === 200, { timeoutMs: 120_000 });
  const runId = `compose_test__${dagId}__${Date.now()}`;
  const res = await api("POST", `/api/v1/dags/${enc(dagId)}/dagRuns`, { dag_run_id: runId, conf });
  check(res.status === 200, `triggering ${dagId}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
  return runId;
}
async function taskInstances(dagId, runId) {
  const res = await api("GET", `/api/v1/dags/${enc(dagId)}/dagRuns/${enc(runId)}/taskInstances?limit=1000`);
  check(res.status === 200, `task instances of ${runId}: HTTP ${res.status}`);
  return res.body.task_instances;
}
async function waitForRun(dagId, runId, timeoutMs) {
  const state = await waitFor(
    `run ${runId} to finish`,
    async () => {
      const res = await api("GET", `/api/v1/dags/${enc(dagId)}/dagRuns/${enc(runId)}`);
      return res.status === 200 && ["success", "failed"].includes(res.body.state) ? res.body.state : null;
    },
    { timeoutMs, everyMs: 2000 },
  );
  const tis = await taskInstances(dagId, runId);
  if (state !== "success") {
    const bad = tis.filter((ti) => ti.state !== "success").map((ti) => `${ti.task_id}=${ti.state} (try ${ti.try_number})`);
    throw new Failure(`run ${runId} ended ${state}: ${bad.join(", ")}`);
  }
  return tis;
}
async function onlineWorkers() {
  const res = await api("GET", "/api/v1/workers?limit=1000");
  check(res.status === 200, `/api/v1/workers: HTTP ${res.status}`);
  return res.body.workers.filter((w) => w.status === "online");
}
/** Container hostnames are the first 12 characters of the container id (compose sets no hostname). */
const hostOf = (id) => id.slice(0, 12);

async function main() {
  // --- health: the webserver's own healthcheck (docker) and /api/v1/health (metadatabase + scheduler)
  const healthy = await waitFor(
    "the webserver container's healthcheck and /api/v1/health",
    async () => {
      const [web] = await containerIds("webserver");
      if (!web) return false;
      const status = (await run(["docker", "inspect", "-f", "{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}", web], { quiet: true })).trim();
      if (status !== "healthy") throw new Error(`webserver container is ${status}`);
      const res = await api("GET", "/api/v1/health", undefined, 5000);
      const ok = res.status === 200 && res.body.metadatabase?.status === "healthy" && res.body.scheduler?.status === "healthy";
      if (!ok) throw new Error(`/api/v1/health: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body;
    },
    { timeoutMs: 240_000, everyMs: 2000 },
  );
  record("healthy after up -d", `${elapsed()} (scheduler heartbeat ${healthy.scheduler.latest_scheduler_heartbeat})`);
  // Cold start per role: from the container's start to the role's own "ready" log line.
  const READY = { scheduler: /scheduler started/, worker: /worker started/, webserver: /listening/ };
  const starts = [];
  for (const [role, ready] of Object.entries(READY)) {
    const [id] = await containerIds(role);
    const startedAt = Date.parse((await run(["docker", "inspect", "-f", "{{.State.StartedAt}}", id], { quiet: true })).trim());
    const logs = await run(["sh", "-c", `docker logs --timestamps ${id} 2>&1`], { quiet: true }).catch(() => "");
    const line = logs.split("\n").find((l) => ready.test(l));
    starts.push(`${role} ${line ? `${((Date.parse(line.slice(0, line.indexOf(" "))) - startedAt) / 1000).toFixed(1)} s` : "?"}`);
  }
  record("cold start (container start to ready)", starts.join(", "));
  for (const role of ["scheduler", "worker"]) {
    const [id] = await containerIds(role);
    const status = await waitFor(
      `the ${role} container's healthcheck`,
      async () => {
        const s = (await run(["docker", "inspect", "-f", "{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}", id], { quiet: true })).trim();
        if (s === "starting") return null;
        return s;
      },
      { timeoutMs: 120_000, everyMs: 2000 },
    );
    check(status === "healthy" || status === "none", `${role} container is ${status}`);
    record(`${role} container health`, status === "none" ? "no healthcheck in this image" : status);
  }

  // --- parallel_tasks: task2 and task3 overlap in time
  let since = Date.now();
  const ptRun = await trigger("parallel_tasks");
  const pt = await waitForRun("parallel_tasks", ptRun, 180_000);
  const by = Object.fromEntries(pt.map((ti) => [ti.task_id, ti]));
  const [a, b] = [by.task2, by.task3];
  check(a && b && a.start_date && a.end_date && b.start_date && b.end_date, "task2/task3 have no start/end dates");
  const overlap = Math.min(Date.parse(a.end_date), Date.parse(b.end_date)) - Math.max(Date.parse(a.start_date), Date.parse(b.start_date));
  check(overlap > 0, `task2 (${a.start_date}..${a.end_date}) and task3 (${b.start_date}..${b.end_date}) did not overlap`);
  record("parallel_tasks", `success in ${elapsed(since)}; task2 and task3 overlapped for ${(overlap / 1000).toFixed(2)} s`);

  // --- scale to three workers
  since = Date.now();
  await dc("up", "-d", "--scale", "worker=3");
  const workerIds = await containerIds("worker");
  check(workerIds.length === 3, `compose ps shows ${workerIds.length} worker containers, expected 3`);
  const workerHosts = workerIds.map(hostOf);
  const online = await waitFor(
    "3 online workers in /api/v1/workers, one per worker container",
    async () => {
      const ws = await onlineWorkers();
      const hosts = new Set(ws.map((w) => w.hostname));
      return ws.length === 3 && workerHosts.every((h) => hosts.has(h)) ? ws : null;
    },
    { timeoutMs: 180_000, everyMs: 2000 },
  );
  record("workers online after --scale worker=3", `${online.length} (${online.map((w) => `${w.name} x${w.concurrency}`).join(", ")}) in ${elapsed(since)}`);

  // --- fan-out: every worker runs shards, and no try is lost or run twice
  since = Date.now();
  const foRun = await trigger("fan_out", { seconds: 5 });
  const fo = await waitForRun("fan_out", foRun, 300_000);
  const shards = fo.filter((ti) => ti.task_id.startsWith("shard_"));
  const perHost = Object.fromEntries(workerHosts.map((h) => [h, shards.filter((ti) => ti.hostname === h).length]));
  check(Object.values(perHost).every((n) => n > 0), `not every worker ran shards: ${JSON.stringify(perHost)}`);
  const retried = shards.filter((ti) => ti.try_number !== 1);
  check(retried.length === 0, `shards needed more than one try with no fault injected (falsely lost?): ${retried.map((ti) => `${ti.task_id} try ${ti.try_number}`).join(", ")}`);
  record("fan_out (30 shards x 5 s)", `success in ${elapsed(since)}; shards per worker ${JSON.stringify(perHost)}; every shard on its first try`);

  // --- kill one worker container mid-task: its tries are retried elsewhere and the run succeeds
  since = Date.now();
  const killRun = await trigger("fan_out", { seconds: 20 });
  const victimState = await waitFor(
    "shards running on a worker (to kill it mid-task)",
    async () => {
      const tis = await taskInstances("fan_out", killRun);
      const running = tis.filter((ti) => ti.state === "running" && ti.task_id.startsWith("shard_") && workerHosts.includes(ti.hostname));
      if (running.length === 0) return null;
      const counts = {};
      for (const ti of running) counts[ti.hostname] = (counts[ti.hostname] ?? 0) + 1;
      const host = Object.entries(counts).sort((x, y) => y[1] - x[1])[0][0];
      return { host, tries: running.filter((ti) => ti.hostname === host).map((ti) => ({ task_id: ti.task_id, try_number: ti.try_number })) };
    },
    { timeoutMs: 120_000, everyMs: 500 },
  );
  await sleep(2000); // well inside the 20 s sleep: the tries are mid-task
  const victim = workerIds[workerHosts.indexOf(victimState.host)];
  await run(["docker", "kill", victim]);
  log(`killed worker container ${victimState.host} while it ran ${victimState.tries.map((t) => `${t.task_id} (try ${t.try_number})`).join(", ")}`);
  const killed = await waitForRun("fan_out", killRun, 600_000);
  const finalBy = Object.fromEntries(killed.map((ti) => [ti.task_id, ti]));
  for (const t of victimState.tries) {
    const ti = finalBy[t.task_id];
    check(ti.state === "success", `${t.task_id} ended ${ti.state}`);
    check(ti.try_number > t.try_number, `${t.task_id} was running (try ${t.try_number}) on the killed worker but was not retried (final try ${ti.try_number})`);
    check(ti.hostname !== victimState.host || (await containerIds("worker")).includes(victim), `${t.task_id}'s final try claims the killed worker`);
  }
  const detail = await api("GET", `/api/v1/dags/fan_out/dagRuns/${enc(killRun)}/taskInstances/${enc(victimState.tries[0].task_id)}`);
  const lostTry = detail.body.tries?.find((tr) => tr.try_number === victimState.tries[0].try_number);
  record(
    "worker killed mid-task",
    `${victimState.tries.length} running tries on it, all retried and the run succeeded in ${elapsed(since)}; ` +
      `the killed try ended ${lostTry?.state ?? "?"}${lostTry?.error ? ` (${lostTry.error})` : ""}`,
  );

  // back to three workers (the killed container stays down: docker kill counts as a manual stop)
  await dc("up", "-d", "--scale", "worker=3");
  await waitFor("3 online workers again", async () => (await onlineWorkers()).length >= 3, { timeoutMs: 180_000, everyMs: 2000 });

  // --- restart the scheduler mid-run: the run still succeeds
  since = Date.now();
  const restartRun = await trigger("fan_out", { seconds: 10 });
  await waitFor(
    "shards running (to restart the scheduler mid-run)",
    async () => (await taskInstances("fan_out", restartRun)).some((ti) => ti.state === "running" && ti.task_id.startsWith("shard_")),
    { timeoutMs: 120_000, everyMs: 500 },
  );
  await dc("restart", "scheduler");
  log("scheduler restarted");
  const restarted = await waitForRun("fan_out", restartRun, 600_000);
  const twice = restarted.filter((ti) => ti.try_number !== 1);
  record(
    "scheduler restarted mid-run",
    `run succeeded in ${elapsed(since)}; ${restarted.length} task instances, ${twice.length} needed a second try${twice.length ? ` (${twice.map((ti) => ti.task_id).join(", ")})` : ""}`,
  );
  await waitFor(
    "/api/v1/health to see the restarted scheduler",
    async () => (await api("GET", "/api/v1/health", undefined, 5000)).body.scheduler?.status === "healthy",
    { timeoutMs: 120_000, everyMs: 2000 },
  );
}

/** GET through the proxy with a session cookie only (no Basic credentials). */
async function withSession(cookie, path) {
  const res = await fetch(`${base}${path}`, { headers: { cookie }, signal: AbortSignal.timeout(20_000) });
  return { status: res.status, body: await res.json().catch(() => null) };
}

/** Proxy log lines since `sinceIso` for `path`: [{ server, address, status }] (docker/proxy/haproxy.cfg's log-format). */
async function proxyLog(sinceIso, path) {
  const [proxyId] = await containerIds("proxy");
  const text = await run(["sh", "-c", `docker logs --since ${sinceIso} ${proxyId} 2>&1`], { quiet: true });
  return text
    .split("\n")
    .map((line) => line.match(/ webservers\/(\S+) (\S+):\d+ (\d{3}) .*"GET (\S+)"/))
    .filter((m) => m && m[4] === path)
    .map((m) => ({ server: m[1], address: m[2], status: Number(m[3]) }));
}

/**
 * Two webservers behind the proxy's one port: a session opened through the proxy is honoured by
 * both (sessions are rows in Postgres), shown by the proxy's log of which replica served each
 * request; then one webserver stops and the same session keeps working on the other.
 */
async function twoWebservers() {
  const since = Date.now();
  await dc("up", "-d", "--scale", "worker=3", "--scale", "webserver=2");
  const webIds = await containerIds("webserver");
  check(webIds.length === 2, `compose ps shows ${webIds.length} webserver containers, expected 2`);
  const addressOf = async (id) => (await run(["docker", "inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", id], { quiet: true })).trim();
  for (const id of webIds) {
    await waitFor(
      `webserver ${hostOf(id)}'s healthcheck (updraft health --role webserver)`,
      async () => (await run(["docker", "inspect", "-f", "{{.State.Health.Status}}", id], { quiet: true })).trim() === "healthy",
      { timeoutMs: 180_000, everyMs: 2000 },
    );
  }
  const addresses = Object.fromEntries(await Promise.all(webIds.map(async (id) => [await addressOf(id), hostOf(id)])));
  // The proxy finds the new replica through Docker's DNS and health-checks it before use.
  const sinceIso = new Date(Date.now() - 1000).toISOString();
  const login = await fetch(`${base}/login`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ username: "admin", password }),
    redirect: "manual",
    signal: AbortSignal.timeout(10_000),
  });
  check(login.status === 303, `login through the proxy: HTTP ${login.status}`);
  const session = login.headers.getSetCookie().map((c) => c.split(";")[0]).find((c) => c.startsWith("updraft_session="));
  check(session, "login set no updraft_session cookie");
  // Same cookie, many requests: round robin spreads them over both replicas (retrying until the
  // proxy has the second one in rotation).
  let served = [];
  await waitFor(
    "requests with one session cookie answered by both webservers (proxy log)",
    async () => {
      for (let i = 0; i < 6; i++) {
        const res = await withSession(session, "/api/v1/me");
        check(res.status === 200 && res.body?.username === "admin" && res.body?.via === "session", `GET /api/v1/me with the session cookie: HTTP ${res.status} ${JSON.stringify(res.body)}`);
      }
      served = await proxyLog(sinceIso, "/api/v1/me");
      const hosts = new Set(served.filter((r) => r.status === 200).map((r) => addresses[r.address]));
      return webIds.every((id) => hosts.has(hostOf(id)));
    },
    { timeoutMs: 60_000, everyMs: 1000 },
  );
  check(served.every((r) => r.status === 200), `a request with the session was refused: ${JSON.stringify(served)}`);
  const perHost = {};
  for (const r of served) perHost[addresses[r.address]] = (perHost[addresses[r.address]] ?? 0) + 1;
  record("two webservers behind the proxy", `one session cookie, ${served.length} requests, all 200, served per webserver ${JSON.stringify(perHost)} (proxy log)`);

  // The webservers see the client's address, not the proxy's (UPDRAFT_WEB_PROXY_FIX_X_FOR=1):
  // a failed login is audited (and throttled) under the address the proxy received it from.
  const probeUser = `compose-probe-${Date.now()}`;
  const failed = await fetch(`${base}/login`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ username: probeUser, password: "wrong" }),
    redirect: "manual",
    signal: AbortSignal.timeout(10_000),
  });
  check(failed.status === 401, `a wrong password through the proxy: HTTP ${failed.status}`);
  const events = await api("GET", `/api/v1/eventLogs?event=login_failed&owner=${encodeURIComponent(probeUser)}`);
  check(events.status === 200, `/api/v1/eventLogs: HTTP ${events.status}`);
  const entry = events.body.event_logs.find((e) => e.owner === probeUser);
  const seenAddress = entry ? JSON.parse(entry.extra ?? "{}").address : undefined;
  const [proxyId] = await containerIds("proxy");
  const proxyAddress = await addressOf(proxyId);
  check(seenAddress && seenAddress !== proxyAddress, `the failed login was recorded from ${seenAddress}, the proxy's own address is ${proxyAddress}`);
  record("client address behind the proxy", `a failed login is audited from ${seenAddress} (the proxy is ${proxyAddress})`);

  // Stop one: the session still works, now on the other alone.
  const [stopped, kept] = webIds;
  await run(["docker", "stop", stopped]);
  const afterIso = new Date(Date.now() - 500).toISOString();
  const stopAt = Date.now();
  for (let i = 0; i < 6; i++) {
    const res = await withSession(session, "/api/v1/me");
    check(res.status === 200 && res.body?.via === "session", `after stopping ${hostOf(stopped)}: GET /api/v1/me with the session: HTTP ${res.status} ${JSON.stringify(res.body)}`);
  }
  const after = (await proxyLog(afterIso, "/api/v1/me")).filter((r) => r.status === 200);
  check(after.length >= 6 && after.every((r) => addresses[r.address] === hostOf(kept)), `after the stop, requests were not all served by ${hostOf(kept)}: ${JSON.stringify(after)}`);
  record("one webserver stopped", `${hostOf(stopped)} stopped; the same session answered 6/6 on ${hostOf(kept)} within ${elapsed(stopAt)}; step took ${elapsed(since)}`);
}

/** Workers of a second compose project, joined over the first one's network, take the work. */
async function extraWorkers(extra) {
  const since = Date.now();
  await run([...extra, "up", "-d"]);
  const [extraId] = (await run([...extra, "ps", "-q", "worker"], { quiet: true })).split("\n").filter(Boolean);
  check(extraId, "the workers-only project started no worker");
  const joined = await waitFor(
    "the other project's worker online in /api/v1/workers",
    async () => (await onlineWorkers()).find((w) => w.hostname === hostOf(extraId)),
    { timeoutMs: 180_000, everyMs: 2000 },
  );
  // The main project's workers stop (gracefully): only the joined one is left to run tasks.
  await dc("stop", "worker");
  await waitFor("the main project's workers to go offline", async () => (await onlineWorkers()).every((w) => w.hostname === hostOf(extraId)), {
    timeoutMs: 120_000,
    everyMs: 2000,
  });
  const runId = await trigger("parallel_tasks");
  const tis = await waitForRun("parallel_tasks", runId, 300_000);
  const elsewhere = tis.filter((ti) => ti.hostname !== hostOf(extraId));
  check(elsewhere.length === 0, `tasks ran outside the joined worker: ${elsewhere.map((ti) => `${ti.task_id}@${ti.hostname}`).join(", ")}`);
  record("workers-only project on the shared network", `${joined.name} (queues ${joined.queues.join(",")}) joined and ran all of parallel_tasks in ${elapsed(since)}`);
}

main()
  .then(twoWebservers)
  .then(async () => {
    if (process.env.EXTRA_COMPOSE_CMD) await extraWorkers(JSON.parse(process.env.EXTRA_COMPOSE_CMD));
  })
  .then(
  () => log("scenario passed"),
  (error) => {
    console.error(`[compose-test +${elapsed()}] FAILED: ${error instanceof Failure ? error.message : (error?.stack ?? error)}`);
    process.exit(1);
  },
);
