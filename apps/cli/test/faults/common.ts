// Steps the fault tests share: start a scheduler and workers, wait for them, assert the invariants.
import type { ChildProcess } from "node:child_process";
import { expect } from "vitest";
import { workers } from "@updraft/db";
import type { FaultHarness } from "./fault-harness.ts";

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Worker settings of the suite: the defaults (heartbeat 5 s, offline after 30 s) unless a test says otherwise. */
export const WORKER_ENV: Record<string, string> = {};

export async function startCluster(h: FaultHarness, workerNames: string[], concurrency = 4): Promise<{ scheduler: ChildProcess; workers: Map<string, ChildProcess> }> {
  const scheduler = h.start(["scheduler"]);
  const started = new Map(workerNames.map((name) => [name, h.start(["worker", "--name", name, "--concurrency", String(concurrency)], WORKER_ENV)] as const));
  await h.until("workers online", async () => (await h.database.db.select().from(workers)).filter((w) => w.state === "online").length === workerNames.length);
  await h.until("scheduler started", async () => /scheduler started/.test(h.output));
  return { scheduler, workers: started };
}

/** The invariants of every fault test; returns the counts for the report. */
export async function expectCleanRun(h: FaultHarness, dagId: string, runId: string, state: string, expected: { tries?: number; lost?: number }, survivors: { except?: ChildProcess[] } = {}) {
  const counts = await h.counts(dagId, runId);
  expect(await h.runState(dagId, runId)).toBe(state);
  expect(counts.leftOver).toEqual([]);
  expect(counts.mismatched).toEqual([]);
  expect(counts.duplicated).toBe(0);
  if (expected.tries !== undefined) expect(counts.tries).toBe(expected.tries);
  if (expected.lost !== undefined) expect(counts.lost).toBe(expected.lost);
  expect(h.dead(survivors.except)).toEqual([]);
  return counts;
}

/** A user the webserver tests log in as (Basic and the login form). */
export const WEB_USER = { username: "faults", password: "faults-password" };

export interface FaultWebserver {
  process: ChildProcess;
  base: string;
  /** GET /api/v1/health (no user); throws when the webserver does not answer. */
  health(): Promise<{ status: number; body: { metadatabase?: { status: string }; broker?: { status: string } } }>;
  /** GET with WEB_USER's Basic credentials. */
  get(path: string): Promise<{ status: number; body: unknown }>;
  /** POST /login with the form: 303 and a session cookie when it works. */
  login(): Promise<{ status: number; cookie: string | undefined }>;
}

/** Starts `updraft webserver` (distributed executor) on a free port, with WEB_USER created. */
export async function startWebserver(h: FaultHarness): Promise<FaultWebserver> {
  const [{ hashPassword }, { createUser }, { freePort }] = await Promise.all([import("@updraft/auth"), import("@updraft/db"), import("./servers.ts")]);
  await createUser(h.database.db, { username: WEB_USER.username, passwordHash: await hashPassword(WEB_USER.password), role: "Viewer" });
  const port = await freePort();
  const child = h.start(["webserver"], { UPDRAFT_WEB_PORT: String(port) });
  const base = `http://127.0.0.1:${port}`;
  await h.until("webserver listening", async () => h.output.includes(`listening on ${base}`));
  return { process: child, ...webClient(base, WEB_USER) };
}

/** Health, a Basic-auth GET and a form login against a webserver (or a standalone) at `base`. */
export function webClient(base: string, user: { username: string; password: string }): Omit<FaultWebserver, "process"> {
  const auth = `Basic ${Buffer.from(`${user.username}:${user.password}`).toString("base64")}`;
  return {
    base,
    async health() {
      const res = await fetch(`${base}/api/v1/health`, { signal: AbortSignal.timeout(10_000) });
      return { status: res.status, body: (await res.json()) as { metadatabase?: { status: string }; broker?: { status: string } } };
    },
    async get(path) {
      const res = await fetch(`${base}${path}`, { headers: { authorization: auth }, signal: AbortSignal.timeout(10_000) });
      return { status: res.status, body: await res.json().catch(() => null) };
    },
    async login() {
      const res = await fetch(`${base}/login`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams(user),
        redirect: "manual",
        signal: AbortSignal.timeout(10_000),
      });
      return { status: res.status, cookie: res.headers.getSetCookie().find((c) => c.startsWith("updraft_session=")) };
    },
  };
}

/** Output lines of one process (the harness tags each line "[<command> <pid>]"). */
export function linesOf(h: FaultHarness, child: ChildProcess, pattern: RegExp): string[] {
  return h.lines(pattern).filter((l) => l.includes(` ${child.pid}] `));
}
