// The machine's record of the process groups each running try started: a retry kills the groups
// its older tries left running here (a try declared lost), a first try reads nothing, and a try
// that ended forgets only its own record.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type * as TryRegistry from "../src/local/try-registry.ts";

let folder: string;
let savedTmpdir: string | undefined;
let registry: typeof TryRegistry;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "updraft-try-registry-"));
  // The registry's folder is under TMPDIR, read when the module loads.
  savedTmpdir = process.env.TMPDIR;
  process.env.TMPDIR = folder;
  registry = await import("../src/local/try-registry.ts");
});

afterAll(async () => {
  if (savedTmpdir === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmpdir;
  await rm(folder, { recursive: true, force: true });
});

/** A `sleep` in its own process group, as runBash starts commands. */
function sleeper(): ChildProcess {
  return spawn("sleep", ["60"], { detached: true, stdio: "ignore" });
}

const exited = (child: ChildProcess) => new Promise<NodeJS.Signals | null>((resolve) => child.once("exit", (_code, signal) => resolve(signal)));
const files = () => readdir(join(folder, "updraft-running-tries")).catch(() => [] as string[]);
const key = (tryNumber: number, taskId = "work") => ({ dagId: "d", runId: "r", taskId, tryNumber });

describe("try registry", () => {
  it("kills the process groups of older tries of the same task instance, not of others", async () => {
    const older = sleeper();
    const otherTask = sleeper();
    registry.recordCommand(key(1), older.pid!);
    registry.recordCommand(key(1, "other"), otherTask.pid!);
    const killed = exited(older);

    expect(registry.killOlderTries(key(1))).toBe(0);
    expect(registry.killOlderTries(key(2))).toBe(1);
    expect(await killed).toBe("SIGKILL");
    expect(otherTask.exitCode).toBeNull();
    expect(await files()).toHaveLength(1);

    const done = exited(otherTask);
    otherTask.kill("SIGKILL");
    await done;
    registry.forgetTry(key(1, "other"));
    expect(await files()).toEqual([]);
  });

  it("forgets an ended try's record, and only its own", async () => {
    registry.recordCommand(key(3), 999_999);
    registry.recordCommand(key(4), 999_998);
    registry.forgetTry(key(5)); // started no command
    registry.forgetTry(key(3));
    expect(await files()).toHaveLength(1);
    registry.forgetTry(key(4));
    expect(await files()).toEqual([]);
  });
});
