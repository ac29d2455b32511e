// Issue 10's items 3-7 under every executor with a database: the scheduler service with the local
// executor on Postgres and on PGlite, and with the distributed executor (a real worker process) on
// Postgres. Each variant runs the same small DAGs (try-semantics-dags.ts), all triggered at once,
// so a variant costs about as long as its slowest run. `dags test` runs them in
// dags-test.try-semantics.commands.test.ts.
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dagRuns } from "@updraft/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXECUTOR_VARIANTS, MatrixInstallation } from "./executor-matrix.ts";
import { isAlive } from "./support.ts";
import { ONCE_START, RICH_VALUE, semanticsDags } from "./try-semantics-dags.ts";

const TRIGGERED = ["timeouts", "sensors", "one_done", "xcom_fidelity"];

describe.each(EXECUTOR_VARIANTS)("try semantics on $driver, $executor executor", (variant) => {
  let markers: string;
  let at: MatrixInstallation;
  const marker = (name: string) => readFile(join(markers, name), "utf8");

  beforeAll(async () => {
    markers = await mkdtemp(join(tmpdir(), "updraft-matrix-markers-"));
    at = await MatrixInstallation.start(variant, semanticsDags(markers));
    for (const dagId of TRIGGERED) await at.trigger(dagId, "r1");
  }, 120_000);

  afterAll(async () => {
    await at?.close();
    if (markers) await rm(markers, { recursive: true, force: true });
  });

  it("item 3: fails a try past its executionTimeout and stops it, even one spinning or ignoring ctx.signal; the retry starts after the old try is gone", { timeout: 120_000 }, async () => {
    expect(await at.runEnds("timeouts", "r1")).toBe("failed");
    const spin = await at.tries("timeouts", "r1", "spin");
    expect(spin.map((t) => [t.tryNumber, t.state])).toEqual([[1, "failed"]]);
    expect(spin[0]!.error).toMatch(/executionTimeout/);
    const spinPid = Number(await marker("spin.pid"));
    await at.until("the spinning try's process to be gone", async () => !isAlive(spinPid), 30_000);
    expect(existsSync(join(markers, "spin.finished"))).toBe(false);
    // Synchronous work that ended after its timeout, before the kill: failed all the same.
    const short = await at.tries("timeouts", "r1", "spin_short");
    expect(short.map((t) => [t.tryNumber, t.state])).toEqual([[1, "failed"]]);
    expect(short[0]!.error).toMatch(/executionTimeout/);
    expect(await at.result("timeouts", "r1", "spin_short")).toBeUndefined();

    const deaf = await at.tries("timeouts", "r1", "deaf");
    expect(deaf.map((t) => [t.tryNumber, t.state])).toEqual([
      [1, "failed"],
      [2, "failed"],
    ]);
    expect(deaf.every((t) => /executionTimeout/.test(t.error ?? ""))).toBe(true);
    expect(await marker("deaf.overlap")).toBe("try 1 gone");
    expect(deaf[0]!.endDate!.getTime()).toBeLessThanOrEqual(deaf[1]!.startDate!.getTime());
    for (const n of [1, 2]) {
      const pid = Number(await marker(`deaf.${n}.pid`));
      await at.until(`deaf try ${n}'s process to be gone`, async () => !isAlive(pid), 30_000);
    }
    // Each try's log holds only its own ticks, and stops growing once its process is gone.
    const log1 = await at.log("timeouts", "r1", "deaf", 1);
    expect(log1.some((l) => l.includes("tick of try 1"))).toBe(true);
    expect(log1.some((l) => l.includes("tick of try 2"))).toBe(false);
    expect((await at.log("timeouts", "r1", "deaf", 2)).some((l) => l.includes("tick of try 1"))).toBe(false);
    await new Promise((r) => setTimeout(r, 500));
    expect((await at.log("timeouts", "r1", "deaf", 1)).length).toBe(log1.length);
  });

  it("item 4: a sensor's timeout is final (one try, failed, a poke at the deadline) or skips with softFail; an error of the poke is retried", { timeout: 120_000 }, async () => {
    expect(await at.runEnds("sensors", "r1")).toBe("failed");
    const final = await at.tries("sensors", "r1", "final");
    expect(final.map((t) => [t.tryNumber, t.state])).toEqual([[1, "failed"]]);
    expect(final[0]!.error).toMatch(/sensor timed out/);
    const pokes = (await marker("final.pokes")).trim().split("\n").map(Number);
    // Pokes at 0, 0.6, 1.2, 1.8 s and at the 2 s deadline; giving up early would end at 1.8 s.
    expect(pokes.at(-1)! - pokes[0]!).toBeGreaterThanOrEqual(1_900);
    const tis = await at.taskInstances("sensors", "r1");
    expect([tis.final!.state, tis.final!.tryNumber]).toEqual(["failed", 1]);
    expect([tis.soft!.state, tis.soft!.tryNumber]).toEqual(["skipped", 1]);
    expect((await at.tries("sensors", "r1", "flaky_poke")).map((t) => [t.tryNumber, t.state])).toEqual([
      [1, "failed"],
      [2, "success"],
    ]);
    expect(await at.result("sensors", "r1", "flaky_poke")).toEqual({ ok: true });
  });

  it("item 5: one_done runs on failed + skipped upstreams and is skipped on upstream_failed + skipped", { timeout: 120_000 }, async () => {
    // Its leaves (the two one_done tasks) succeeded or were skipped: the run succeeds, as Airflow.
    expect(await at.runEnds("one_done", "r1")).toBe("success");
    const tis = await at.taskInstances("one_done", "r1");
    expect(Object.fromEntries(Object.entries(tis).map(([id, ti]) => [id, [ti.state, ti.tryNumber]]))).toEqual({
      fail: ["failed", 1],
      after_fail: ["upstream_failed", 0],
      skipper: ["skipped", 1],
      od_uf_sk: ["skipped", 0],
      od_f_sk: ["success", 1],
    });
  });

  it("item 6: refuses at the producing task an XCom JSON or the database would change (Date, NaN, Set, NUL, lone surrogate), and carries the rest unchanged", { timeout: 120_000 }, async () => {
    expect(await at.runEnds("xcom_fidelity", "r1")).toBe("failed");
    const errorOf = async (taskId: string) => {
      const tries = await at.tries("xcom_fidelity", "r1", taskId);
      expect(tries.map((t) => t.state)).toEqual(["failed"]);
      return tries[0]!.error ?? "";
    };
    expect(await errorOf("lossy")).toContain("result.when is a Date");
    expect(await errorOf("nan")).toContain("result.ratio is NaN");
    expect(await errorOf("nul")).toContain("result.text holds a NUL character");
    expect(await errorOf("lone")).toContain("result[1] holds a lone surrogate");
    for (const taskId of ["lossy", "nan", "nul", "lone"]) expect(await at.result("xcom_fidelity", "r1", taskId)).toBeUndefined();
    expect(await at.result("xcom_fidelity", "r1", "rich")).toEqual(RICH_VALUE);
    expect(await at.result("xcom_fidelity", "r1", "echo")).toEqual(RICH_VALUE);
  });

  it("item 7: an @once DAG gets exactly one scheduled run, at its start date", { timeout: 120_000 }, async () => {
    const once = () => at.db.select().from(dagRuns).where(eq(dagRuns.dagId, "once_only"));
    await at.until("the @once run to end", async () => ["success", "failed"].includes((await once())[0]?.state ?? ""));
    // The scheduler looks for due runs every second: give it a few more looks.
    await new Promise((r) => setTimeout(r, 2_500));
    expect((await once()).map((r) => [r.runType, r.logicalDate.toISOString(), r.state])).toEqual([["scheduled", ONCE_START, "success"]]);
  });
});
