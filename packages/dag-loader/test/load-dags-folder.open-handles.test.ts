// A DAG file that leaves a handle open at import (issue 10, item 8): its module is done when its
// import resolves, so the folder loads, no parse process is left behind, and a file whose import
// never resolves becomes an import error at the import timeout while the others load.
import { execFileSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDagsFolder } from "../src/index.ts";

let folder: string;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "updraft-dags-handles-"));
  await writeFile(
    join(folder, "interval.ts"),
    `import { dag, task } from "@updraft/sdk";
setInterval(() => {}, 1_000);
export default dag({ dagId: "with_interval" }, () => void task({ taskId: "a" }, () => 1));`,
  );
  await writeFile(
    join(folder, "server.ts"),
    `import { createServer } from "node:net";
import { dag, task } from "@updraft/sdk";
createServer().listen(0);
export default dag({ dagId: "with_server" }, () => void task({ taskId: "a" }, () => 1));`,
  );
  await writeFile(join(folder, "never_resolves.ts"), `setInterval(() => {}, 1_000);\nawait new Promise(() => {});\nexport const x = 1;`);
  await writeFile(join(folder, "zz_plain.ts"), `import { dag, task } from "@updraft/sdk";\nexport default dag({ dagId: "plain" }, () => void task({ taskId: "a" }, () => 1));`);
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

function childPids(): number[] {
  try {
    return execFileSync("pgrep", ["-P", String(process.pid)], { encoding: "utf8" }).split("\n").filter(Boolean).map(Number);
  } catch {
    return []; // pgrep exits 1 when there is no child
  }
}

describe("DAG files that leave handles open", () => {
  it("load, end their parse process, and a never-resolving import is an import error", async () => {
    const before = childPids();
    const result = await loadDagsFolder({ dagsFolder: folder, fileTimeoutMs: 3_000 });
    expect(result.dags.map((d) => d.serialized.dagId)).toEqual(["plain", "with_interval", "with_server"]);
    expect(result.importErrors).toEqual([{ filename: "never_resolves.ts", message: expect.stringContaining("took longer than 3s") }]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(childPids().filter((pid) => !before.includes(pid))).toEqual([]);
  }, 60_000);
});
