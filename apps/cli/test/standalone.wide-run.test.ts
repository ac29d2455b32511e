// `updraft standalone` on the embedded database (PGlite) carries a wide run: 300 parallel no-op
// tasks finish, /api/v1/health answers while they run (issue 10 item 1: 400–600 such tasks used
// to freeze the process inside PGlite), and SIGTERM stops the process, also mid-run, leaving none of
// its processes behind. The 10,000-task case is the bench (bench/src/standalone.ts): too slow
// for every CI run on a small machine.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { updraftNodeArgs } from "@updraft/dag-loader";
import { descendants, isAlive, makeHome } from "./support.ts";

const MAIN = fileURLToPath(new URL("../src/main.ts", import.meta.url));
const TASKS = 300;
const basic = { authorization: `Basic ${Buffer.from("admin:admin-password-1").toString("base64")}`, "content-type": "application/json" };

let home: Awaited<ReturnType<typeof makeHome>>;
let dagsFolder: string;
let standalone: ChildProcess;
let url: string;
let output = "";

beforeAll(async () => {
  home = await makeHome();
  dagsFolder = await mkdtemp(join(tmpdir(), "updraft-wide-dags-"));
  await writeFile(
    join(dagsFolder, "wide.ts"),
    `import { dag, task } from "@updraft/sdk";
export default dag({ dagId: "wide", maxActiveTasks: 1000 }, () => { for (let i = 0; i < ${TASKS}; i++) task({ taskId: "t" + i }, () => i); });`,
  );
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("UPDRAFT_") && k !== "DATABASE_URL"));
  standalone = spawn(process.execPath, [...updraftNodeArgs(), MAIN, "standalone"], {
    cwd: home.home,
    env: {
      ...base,
      UPDRAFT_HOME: home.home,
      UPDRAFT_DAGS_FOLDER: dagsFolder,
      UPDRAFT_DAGS_ARE_PAUSED_AT_CREATION: "false",
      UPDRAFT_WEB_PORT: "0",
      UPDRAFT_ADMIN_PASSWORD: "admin-password-1",
      UPDRAFT_LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  standalone.stdout!.on("data", (c: Buffer) => (output += c.toString()));
  standalone.stderr!.on("data", (c: Buffer) => (output += c.toString()));
  const deadline = Date.now() + 400_000; // starting under tsx on a loaded machine is slow
  while (!/Dashboard and API:\s+(\S+)/.test(output)) {
    if (Date.now() > deadline || standalone.exitCode !== null) throw new Error(`standalone did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  url = /Dashboard and API:\s+(\S+)/.exec(output)![1]!;
}, 450_000);

afterAll(async () => {
  if (standalone && standalone.exitCode === null && standalone.signalCode === null) {
    standalone.kill("SIGKILL");
    await new Promise((r) => standalone.once("exit", r));
  }
  await home?.cleanup();
  if (dagsFolder) await rm(dagsFolder, { recursive: true, force: true });
});

describe("updraft standalone with a wide run (PGlite)", () => {
  it(`finishes ${TASKS} parallel tasks while /api/v1/health answers, then stops on SIGTERM mid-run with no process left behind`, async () => {
    await fetch(`${url}/api/v1/dags/wide`, { method: "PATCH", headers: basic, body: JSON.stringify({ is_paused: false }) });
    const trigger = await fetch(`${url}/api/v1/dags/wide/dagRuns`, { method: "POST", headers: basic, body: JSON.stringify({ dag_run_id: "w1" }) });
    expect(trigger.status, await trigger.clone().text()).toBe(200);
    let healthAnswers = 0;
    let state = "queued";
    const deadline = Date.now() + 600_000;
    while (state !== "success" && state !== "failed") {
      if (Date.now() > deadline) throw new Error(`run not finished; state ${state}\n${output}`);
      // Every poll is answered (30 s is a freeze, not a slow answer) and tells the truth: the
      // embedded database answers and the scheduler's heartbeat is fresh.
      const health = await fetch(`${url}/api/v1/health`, { signal: AbortSignal.timeout(30_000) });
      expect(health.status).toBe(200);
      const body = (await health.json()) as { metadatabase: { status: string }; scheduler: { status: string } };
      expect(body.metadatabase.status).toBe("healthy");
      expect(body.scheduler.status).toBe("healthy");
      healthAnswers++;
      const run = await fetch(`${url}/api/v1/dags/wide/dagRuns/w1`, { headers: basic });
      state = ((await run.json()) as { state: string }).state;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(state).toBe("success");
    expect(healthAnswers).toBeGreaterThan(0);
    const tis = await fetch(`${url}/api/v1/dags/wide/dagRuns/w1/taskInstances?limit=1000`, { headers: basic });
    const list = (await tis.json()) as { task_instances: Array<{ state: string; try_number: number }>; total_entries: number };
    expect(list.total_entries).toBe(TASKS);
    expect(list.task_instances.every((t) => t.state === "success" && t.try_number === 1)).toBe(true);

    // A second run, stopped by SIGTERM while its task processes are busy: the process exits and
    // leaves none of its processes behind.
    const second = await fetch(`${url}/api/v1/dags/wide/dagRuns`, { method: "POST", headers: basic, body: JSON.stringify({ dag_run_id: "w2" }) });
    expect(second.status, await second.clone().text()).toBe(200);
    for (let done = 0; done < TASKS / 6; ) {
      if (Date.now() > deadline) throw new Error(`second run did not progress\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
      const page = await fetch(`${url}/api/v1/dags/~/dagRuns/~/taskInstances/list`, {
        method: "POST",
        headers: basic,
        body: JSON.stringify({ dag_ids: ["wide"], dag_run_ids: ["w2"], state: ["success"], page_limit: 1 }),
      });
      done = ((await page.json()) as { total_entries: number }).total_entries;
    }
    const family = descendants(standalone.pid!);
    expect(family.length).toBeGreaterThan(0); // its task processes
    standalone.kill("SIGTERM");
    const exit = await new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      standalone.once("exit", (code, signal) => resolve({ code, signal })),
    );
    expect(exit.signal === "SIGTERM" || exit.code === 0 || exit.code === 143).toBe(true);
    let left = family.filter(isAlive);
    for (let i = 0; i < 100 && left.length > 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      left = family.filter(isAlive);
    }
    expect(left, "processes of the standalone left behind after SIGTERM").toEqual([]);
  }, 900_000);
});
