// `updraft standalone` start-up is all or nothing: when a step fails it stops what it started
// (task processes, scheduler, webserver, the embedded database's lock), exits 1 and prints one
// line that says what failed and what to set. Runs the compiled bin, as `pnpm start` does.
import { spawn } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BIN, EXAMPLE_DAGS, isAlive, makeHome, watchDescendants, type CliResult } from "./support.ts";

let home: Awaited<ReturnType<typeof makeHome>>;
let blocker: Server | undefined;

beforeEach(async () => {
  home = await makeHome();
});

afterEach(async () => {
  await new Promise((resolve) => (blocker ? blocker.close(resolve) : resolve(undefined)));
  blocker = undefined;
  await home.cleanup();
});

/** Runs `updraft standalone` until it exits on its own; returns its output and every descendant pid seen. */
function startStandalone(env: Record<string, string>): Promise<CliResult & { descendants: Set<number> }> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("UPDRAFT_") && k !== "DATABASE_URL"));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, "standalone"], {
      cwd: home.home,
      env: { ...base, UPDRAFT_HOME: home.home, UPDRAFT_DAGS_FOLDER: EXAMPLE_DAGS, UPDRAFT_ADMIN_PASSWORD: "admin-password-1", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const watch = watchDescendants(child.pid!);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      watch.stop();
      resolve({ code, stdout, stderr, descendants: watch.seen });
    });
  });
}

async function takePort(): Promise<number> {
  blocker = createServer();
  await new Promise<void>((resolve) => blocker!.listen(0, "127.0.0.1", resolve));
  const address = blocker.address();
  if (typeof address !== "object" || address === null) throw new Error("no port");
  return address.port;
}

describe("updraft standalone start-up failures", () => {
  it("port in use: exits 1 with one line naming UPDRAFT_WEB_PORT before opening the database, leaving no process", async () => {
    const port = await takePort();
    const result = await startStandalone({ UPDRAFT_WEB_PORT: String(port), UPDRAFT_WEB_HOST: "127.0.0.1" });
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split("\n");
    expect(lines, result.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^updraft: UPDRAFT_WEB_PORT_IN_USE: port ${port} on 127\\.0\\.0\\.1 is in use\\..*UPDRAFT_WEB_PORT`));
    for (const pid of result.descendants) expect(isAlive(pid), `process ${pid} left behind`).toBe(false);
    expect(existsSync(join(home.home, "standalone.json"))).toBe(false);
  });

  it("a second standalone on the same home: exits 1 with one line and leaves the first one's link file alone", async () => {
    // A live process that claims the home, as a running standalone's link file does.
    writeFileSync(join(home.home, "standalone.json"), JSON.stringify({ url: "http://127.0.0.1:1", pid: process.pid, token: "t" }));
    const result = await startStandalone({ UPDRAFT_WEB_PORT: "0" });
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split("\n");
    expect(lines, result.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^updraft: UPDRAFT_DB_LOCKED: a standalone \\(pid ${process.pid}\\) already runs on .*DATABASE_URL`));
    for (const pid of result.descendants) expect(isAlive(pid), `process ${pid} left behind`).toBe(false);
    expect(existsSync(join(home.home, "standalone.json"))).toBe(true);
  });

  it("bad configuration: exits 1 with one line naming the variable, before starting anything", async () => {
    const result = await startStandalone({ UPDRAFT_WEB_PORT: "not-a-port" });
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split("\n");
    expect(lines, result.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/^updraft: UPDRAFT_CONFIG_INVALID: .*UPDRAFT_WEB_PORT/);
    for (const pid of result.descendants) expect(isAlive(pid), `process ${pid} left behind`).toBe(false);
  });

  it("database unreachable: exits 1 with one line naming DATABASE_URL's server, leaving no process", async () => {
    const port = await takePort(); // a port where no Postgres answers
    blocker!.close();
    blocker = undefined;
    const result = await startStandalone({ DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/updraft`, UPDRAFT_WEB_PORT: "0" });
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split("\n");
    expect(lines, result.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/^updraft: UPDRAFT_DB_UNAVAILABLE: .*DATABASE_URL/);
    for (const pid of result.descendants) expect(isAlive(pid), `process ${pid} left behind`).toBe(false);
  });
});
