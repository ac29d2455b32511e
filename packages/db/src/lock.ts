// Cross-process lock for the embedded (PGlite) database directory. PGlite has no locking of its
// own: two processes writing one data dir silently lose rows, so whoever opens it must hold this.
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { UpdraftError } from "@updraft/core";
import lockfile from "proper-lockfile";

/** Who holds the lock, as written next to it for the error message of the next opener. */
export interface LockHolder {
  pid: number;
  hostname: string;
  startedAt: string;
}

export interface DirectoryLock {
  /** Releases the lock; calling it again is a no-op. */
  release(): Promise<void>;
}

// A crashed holder's lock becomes stale after STALE_MS; the live holder touches it every UPDATE_MS,
// leaving room for long event-loop stalls (PGlite's WASM start-up blocks for a while).
const STALE_MS = 30_000;
const UPDATE_MS = 5_000;

/**
 * Takes the exclusive lock on `dir` (created if missing). The lock lives in `${dir}.lock` and is
 * released by `release()` or, if the process exits first, by proper-lockfile's exit hook.
 * @throws UpdraftError UPDRAFT_DB_LOCKED when another process (or another open in this one) holds it.
 */
export async function lockDirectory(dir: string): Promise<DirectoryLock> {
  await mkdir(dir, { recursive: true });
  const infoPath = `${dir}.lock.json`;
  let releaseLock: () => Promise<void>;
  try {
    releaseLock = await lockfile.lock(dir, {
      lockfilePath: `${dir}.lock`,
      stale: STALE_MS,
      update: UPDATE_MS,
      realpath: false,
    });
  } catch (error) {
    if ((error as { code?: unknown }).code !== "ELOCKED") throw error;
    const holder = await readHolder(infoPath);
    const by = holder === undefined ? "another process" : `process ${holder.pid} on ${holder.hostname} (since ${holder.startedAt})`;
    throw new UpdraftError("UPDRAFT_DB_LOCKED", `The embedded database at ${dir} is in use by ${by}`, {
      details: { directory: dir, ...(holder === undefined ? {} : { holder }) },
      cause: error,
    });
  }

  const holder: LockHolder = { pid: process.pid, hostname: hostname(), startedAt: new Date().toISOString() };
  await writeFile(infoPath, `${JSON.stringify(holder)}\n`);

  let released = false;
  return {
    async release() {
      if (released) return;
      released = true;
      await rm(infoPath, { force: true });
      await releaseLock();
    },
  };
}

async function readHolder(infoPath: string): Promise<LockHolder | undefined> {
  try {
    const parsed = JSON.parse(await readFile(infoPath, "utf8")) as Partial<LockHolder>;
    if (typeof parsed.pid !== "number") return undefined;
    return {
      pid: parsed.pid,
      hostname: typeof parsed.hostname === "string" ? parsed.hostname : "unknown host",
      startedAt: typeof parsed.startedAt === "string" ? parsed.startedAt : "unknown time",
    };
  } catch {
    // Missing or half-written: the holder is still locked out, we just cannot name it.
    return undefined;
  }
}
