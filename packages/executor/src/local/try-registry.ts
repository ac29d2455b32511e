// This machine's record of the process groups each running try started, one file per try under
// the temp dir. Before a try starts, the process groups of older tries of the same task instance
// still running here are killed: a try declared lost (its worker frozen or cut off) is never left
// running beside its retry on the same machine.
import { createHash } from "node:crypto";
import { appendFileSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const DIR = join(tmpdir(), "updraft-running-tries");

/** The files this process wrote (recordCommand) and has not removed yet. */
const recorded = new Set<string>();

export interface TaskInstanceKey {
  dagId: string;
  runId: string;
  taskId: string;
  tryNumber: number;
}

function baseName(ti: TaskInstanceKey): string {
  return createHash("sha1").update(`${ti.dagId}\0${ti.runId}\0${ti.taskId}`).digest("hex").slice(0, 24);
}

/** Kills the recorded process groups of tries of this task instance older than `ti.tryNumber`. Returns how many groups. */
export function killOlderTries(ti: TaskInstanceKey): number {
  // Tries are numbered from 1: a first try has no older one, so the folder is not read (most
  // tries are first tries, and this runs before every try).
  if (ti.tryNumber <= 1) return 0;
  const base = baseName(ti);
  let killed = 0;
  let names: string[];
  try {
    names = readdirSync(DIR);
  } catch {
    return 0;
  }
  for (const name of names) {
    if (!name.startsWith(`${base}.`) || Number(name.slice(base.length + 1)) >= ti.tryNumber) continue;
    const path = join(DIR, name);
    for (const pgid of readFileSync(path, "utf8").split("\n").filter(Boolean).map(Number)) {
      try {
        process.kill(-pgid, "SIGKILL");
        killed++;
      } catch {
        // Already gone.
      }
    }
    rmSync(path, { force: true });
  }
  return killed;
}

/** Records that a command of this try runs in process group `pgid`. */
export function recordCommand(ti: TaskInstanceKey, pgid: number): void {
  mkdirSync(DIR, { recursive: true });
  const path = join(DIR, `${baseName(ti)}.${ti.tryNumber}`);
  appendFileSync(path, `${pgid}\n`);
  recorded.add(path);
}

/**
 * Forgets the try once it ended: removes its file, which only this process writes (a try runs in
 * one process), so a try that started no command touches no file.
 */
export function forgetTry(ti: TaskInstanceKey): void {
  const path = join(DIR, `${baseName(ti)}.${ti.tryNumber}`);
  if (recorded.delete(path)) rmSync(path, { force: true });
}
