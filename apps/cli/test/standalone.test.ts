// `updraft standalone` end to end: one process with the embedded database, scheduler, local
// executor and webserver; the CLI in "another terminal" (other processes) triggers, lists and
// creates users through it, never opening PGlite a second time. Its DAGs folder is the examples
// plus a file that leaves a timer running at import (issue 10, item 8): the start does not hang
// on it, the file's DAG is listed, and SIGTERM still ends the process.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { updraftNodeArgs } from "@updraft/dag-loader";
import { EXAMPLE_DAGS, makeHome, runCli, startCli, waitForStderr } from "./support.ts";

const MAIN = fileURLToPath(new URL("../src/main.ts", import.meta.url));

let home: Awaited<ReturnType<typeof makeHome>>;
let standalone: ChildProcess;
let url: string;
let output = "";
let dagsFolder: string;
let exited: Promise<number | null>;
/** Whether the CLI's link file was there when the start-up reached the scheduler (the API answers by then). */
let linkWhenSchedulerStarts: boolean | undefined;
const env = () => ({ UPDRAFT_HOME: home.home, UPDRAFT_DAGS_FOLDER: dagsFolder });
const basic = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}` });

beforeAll(async () => {
  home = await makeHome();
  dagsFolder = await mkdtemp(join(tmpdir(), "updraft-standalone-dags-"));
  await cp(EXAMPLE_DAGS, dagsFolder, { recursive: true, filter: (path) => !path.includes("node_modules") });
  await writeFile(
    join(dagsFolder, "zz_interval.ts"),
    `import { dag, task } from "@updraft/sdk";\nsetInterval(() => {}, 1_000);\nexport default dag({ dagId: "with_interval" }, () => void task({ taskId: "a" }, () => 1));`,
  );
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("UPDRAFT_") && k !== "DATABASE_URL"));
  standalone = spawn(process.execPath, [...updraftNodeArgs(), MAIN, "standalone"], {
    cwd: home.home,
    env: { ...base, ...env(), UPDRAFT_WEB_PORT: "0", UPDRAFT_ADMIN_PASSWORD: "admin-password-1", UPDRAFT_LOG_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  standalone.stdout!.on("data", (c: Buffer) => (output += c.toString()));
  standalone.stderr!.on("data", (c: Buffer) => (output += c.toString()));
  exited = new Promise((resolve) => standalone.once("exit", (code) => resolve(code)));
  const deadline = Date.now() + 90_000;
  while (!/Dashboard and API:\s+(\S+)/.test(output)) {
    if (Date.now() > deadline || standalone.exitCode !== null) throw new Error(`standalone did not start:\n${output}`);
    if (linkWhenSchedulerStarts === undefined && output.includes("starting the scheduler")) linkWhenSchedulerStarts = existsSync(join(home.home, "standalone.json"));
    await new Promise((r) => setTimeout(r, 100));
  }
  url = /Dashboard and API:\s+(\S+)/.exec(output)![1]!;
});

afterAll(async () => {
  if (standalone?.exitCode === null) standalone.kill("SIGTERM");
  await exited;
  await home?.cleanup();
  if (dagsFolder) await rm(dagsFolder, { recursive: true, force: true });
});

describe("updraft standalone", () => {
  it("serves health without a user and the example DAGs to admin", async () => {
    const health = await fetch(`${url}/api/v1/health`);
    expect(health.status).toBe(200);
    expect(((await health.json()) as { metadatabase: { status: string } }).metadatabase.status).toBe("healthy");
    expect((await fetch(`${url}/api/v1/dags`)).status).toBe(401);
    const dags = await fetch(`${url}/api/v1/dags`, { headers: basic("admin", "admin-password-1") });
    expect(dags.status).toBe(200);
    const ids = ((await dags.json()) as { dags: Array<{ dag_id: string }> }).dags.map((d) => d.dag_id);
    expect(ids).toContain("parallel_tasks");
    expect(ids).toContain("with_interval");
    expect(output).toContain("admin / admin-password-1");
  });

  it("runs parallel_tasks triggered from the CLI beside it: task2 and task3 overlap, task4 after both", async () => {
    const trigger = await runCli(["dags", "trigger", "parallel_tasks", "--run-id", "beside", "--wait"], env());
    expect(trigger.stderr).toBe("");
    expect(trigger.stdout).toContain("via the running standalone");
    expect(trigger.code).toBe(0);
    const res = await fetch(`${url}/api/v1/dags/parallel_tasks/dagRuns/beside/taskInstances`, { headers: basic("admin", "admin-password-1") });
    const tis = ((await res.json()) as { task_instances: Array<{ task_id: string; state: string; start_date: string; end_date: string }> }).task_instances;
    const at = Object.fromEntries(tis.map((t) => [t.task_id, { start: Date.parse(t.start_date), end: Date.parse(t.end_date), state: t.state }]));
    expect(Object.values(at).every((t) => t.state === "success")).toBe(true);
    expect(at.task2!.start < at.task3!.end && at.task3!.start < at.task2!.end).toBe(true);
    expect(at.task4!.start).toBeGreaterThanOrEqual(Math.max(at.task2!.end, at.task3!.end));
    expect(at.task1!.end).toBeLessThanOrEqual(Math.min(at.task2!.start, at.task3!.start));
  });

  it("lets the CLI list DAGs and create users while it holds the embedded database", async () => {
    const list = await runCli(["dags", "list", "--json"], env());
    expect(list.code, list.stderr).toBe(0);
    // The answer is the standalone's last parse, and the CLI says how old it is.
    expect(list.stderr).toMatch(/^note: as parsed by the running standalone at \S+ .*\(\d+ s ago\); it re-parses the DAGs folder every 30 s\.$/m);
    expect((JSON.parse(list.stdout) as { dags: Array<{ dag_id: string }> }).dags.map((d) => d.dag_id)).toContain("typed_etl");
    const user = await runCli(["users", "create", "--username", "viewer1", "--password", "viewer-pass-1", "--role", "Viewer"], env());
    expect(user.code, user.stderr).toBe(0);
    const asViewer = await fetch(`${url}/api/v1/dags`, { headers: basic("viewer1", "viewer-pass-1") });
    expect(asViewer.status).toBe(200);
    const pause = await runCli(["dags", "pause", "typed_etl"], env());
    expect(pause.stdout).toContain("is paused");
  });

  it("dags trigger --wait on a paused DAG says so on stderr (is_paused from the API) and keeps waiting", async () => {
    const pause = await runCli(["dags", "pause", "with_interval"], env());
    expect(pause.code, pause.stderr).toBe(0);
    const waiting = startCli(["dags", "trigger", "with_interval", "--run-id", "paused_wait", "--wait"], env());
    try {
      const stderr = await waitForStderr(waiting, /is paused/, 30_000);
      expect(stderr).toBe('DAG "with_interval" is paused: the run waits in queued until it is unpaused (updraft dags unpause with_interval)\n');
      expect(waiting.output().stdout).toContain("Triggered with_interval run paused_wait (queued) via the running standalone");
      await new Promise((r) => setTimeout(r, 500));
      expect(waiting.output().stdout).not.toContain("Run paused_wait");
    } finally {
      process.kill(waiting.pid, "SIGTERM");
    }
    expect((await waiting.result).code).toBeNull();
  });

  it("leaves the CLI's link file as soon as the API answers, before the scheduler starts (a command run then goes through the API)", () => {
    expect(linkWhenSchedulerStarts).toBe(true);
  });

  it("keeps the link file owner-readable only", async () => {
    const { stat } = await import("node:fs/promises");
    const info = await stat(join(home.home, "standalone.json"));
    expect(info.mode & 0o077).toBe(0);
    expect(JSON.parse(await readFile(join(home.home, "standalone.json"), "utf8"))).toMatchObject({ url });
  });

  it("stops on SIGTERM although a DAG file left a timer running at import", async () => {
    standalone.kill("SIGTERM");
    expect(await exited).toBe(0);
  });
});
