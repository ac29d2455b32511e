// Issue 10's items 3-7 under `dags test` (the sequential executor, no database), on the same DAG
// files the executor matrix runs (parity.try-semantics.test.ts). More of item 3 under `dags test`
// (a spin killed, a task ignoring ctx.signal) is in timeouts.commands.test.ts.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeHome, runCli, type CliResult } from "./support.ts";
import { semanticsDags } from "./try-semantics-dags.ts";

let home: { home: string; cleanup: () => Promise<void> };
let folder: string;
let markers: string;

beforeAll(async () => {
  home = await makeHome();
  folder = await mkdtemp(join(tmpdir(), "updraft-cli-semantics-"));
  markers = await mkdtemp(join(tmpdir(), "updraft-cli-semantics-markers-"));
  for (const [name, source] of Object.entries(semanticsDags(markers))) await writeFile(join(folder, name), source);
});

afterAll(async () => {
  await home.cleanup();
  await rm(folder, { recursive: true, force: true });
  await rm(markers, { recursive: true, force: true });
});

const dagsTest = (dagId: string): Promise<CliResult> => runCli(["dags", "test", dagId], { UPDRAFT_HOME: home.home, UPDRAFT_DAGS_FOLDER: folder });

describe("try semantics under dags test", () => {
  it("item 3: fails a try whose synchronous work ended after its executionTimeout, before the kill", async () => {
    // `tasks test` runs one task as `dags test` does (the sequential executor's task process).
    const result = await runCli(["tasks", "test", "timeouts", "spin_short"], { UPDRAFT_HOME: home.home, UPDRAFT_DAGS_FOLDER: folder });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/✖ spin_short try 1 failed .*executionTimeout/);
  });

  it("item 4: a sensor's timeout is final (one try, a poke at the deadline) or skips with softFail; an error of the poke is retried", async () => {
    const result = await dagsTest("sensors");
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/✖ final try 1 failed after .*sensor timed out.* -> failed/);
    expect(result.stdout).not.toContain("▶ final try 2");
    expect(result.stdout).toMatch(/↷ soft try 1 skipped: sensor timed out/);
    expect(result.stdout).not.toContain("▶ soft try 2");
    expect(result.stdout).toMatch(/✖ flaky_poke try 1 failed .*cannot reach the service -> up_for_retry/);
    expect(result.stdout).toContain("✔ flaky_poke try 2 succeeded");
    const pokes = (await readFile(join(markers, "final.pokes"), "utf8")).trim().split("\n").map(Number);
    expect(pokes.at(-1)! - pokes[0]!).toBeGreaterThanOrEqual(1_900);
  });

  it("item 5: one_done runs on failed + skipped upstreams and is skipped on upstream_failed + skipped", async () => {
    const result = await dagsTest("one_done");
    // Its leaves (the two one_done tasks) succeeded or were skipped: the run succeeds, as Airflow.
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("DAG run one_done success");
    expect(result.stdout).toMatch(/· after_fail upstream_failed/);
    expect(result.stdout).toMatch(/· od_uf_sk skipped/);
    expect(result.stdout).not.toContain("▶ od_uf_sk");
    expect(result.stdout).toContain("✔ od_f_sk try 1 succeeded");
  });

  it("item 6: refuses at the producing task a result JSON or the database would change, and passes the rest on", async () => {
    const result = await dagsTest("xcom_fidelity");
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/✖ lossy try 1 failed .*result\.when is a Date/);
    expect(result.stdout).toMatch(/✖ nan try 1 failed .*result\.ratio is NaN/);
    expect(result.stdout).toMatch(/✖ nul try 1 failed .*result\.text holds a NUL character/);
    expect(result.stdout).toMatch(/✖ lone try 1 failed .*result\[1\] holds a lone surrogate/);
    expect(result.stdout).toContain("✔ rich try 1 succeeded");
    expect(result.stdout).toContain("✔ echo try 1 succeeded");
  });

  it("item 7: an @once DAG is valid and runs", async () => {
    const result = await dagsTest("once_only");
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("DAG run once_only success");
  });
});
