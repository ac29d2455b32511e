import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isUpdraftError } from "@updraft/core";
import { openDatabase } from "../src/index.ts";

const packageDir = fileURLToPath(new URL("..", import.meta.url));
const childScript = fileURLToPath(new URL("./fixtures/open-home.ts", import.meta.url));

interface ChildOutcome {
  status: number | null;
  result: { ok: boolean; code?: string; message?: string; details?: { holder?: { pid: number } } };
  stderr: string;
}

function openInChild(home: string, mode: "try" | "exit" = "try"): Promise<ChildOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--conditions=updraft-source", "--import", "tsx", childScript, home, mode], {
      cwd: packageDir,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (status) => {
      const line = stdout.trim().split("\n").pop() ?? "";
      try {
        resolve({ status, result: JSON.parse(line) as ChildOutcome["result"], stderr });
      } catch {
        reject(new Error(`child printed no result (status ${status}): ${stdout}\n${stderr}`));
      }
    });
  });
}

describe("client: PGlite directory lock", () => {
  let home: string;
  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), "updraft-lock-"));
  });
  afterAll(async () => {
    await rm(home, { recursive: true, force: true });
  });

  it("refuses a second process while open, names the holder, and allows it after close", { timeout: 60_000 }, async () => {
    const database = await openDatabase({ home });
    try {
      const info = JSON.parse(await readFile(join(home, "db.lock.json"), "utf8")) as { pid: number };
      expect(info.pid).toBe(process.pid);

      const refused = await openInChild(home);
      expect(refused.status).toBe(3);
      expect(refused.result.ok).toBe(false);
      expect(refused.result.code).toBe("UPDRAFT_DB_LOCKED");
      expect(refused.result.message).toContain(join(home, "db"));
      expect(refused.result.message).toContain(String(process.pid));

      // A second open in the same process is refused as well.
      await expect(openDatabase({ home })).rejects.toSatisfy((e) => isUpdraftError(e, "UPDRAFT_DB_LOCKED"));
    } finally {
      await database.close();
    }
    await database.close(); // idempotent
    expect(existsSync(join(home, "db.lock.json"))).toBe(false);

    const allowed = await openInChild(home);
    expect(allowed.result).toMatchObject({ ok: true });
    expect(allowed.status).toBe(0);
  });

  it("is released when the holding process exits without closing", { timeout: 60_000 }, async () => {
    const crashed = await openInChild(home, "exit");
    expect(crashed.result).toMatchObject({ ok: true });
    const reopened = await openDatabase({ home });
    await reopened.close();
  });
});
