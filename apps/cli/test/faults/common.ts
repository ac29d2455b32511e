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
