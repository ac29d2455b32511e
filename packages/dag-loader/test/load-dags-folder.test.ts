// Loads a DAGs folder outside the repository (no package.json, no node_modules) holding one good
// DAG and every kind of broken file: each broken file becomes an import error, the good DAG loads.
import { mkdtemp, rm, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashSerializedDag } from "@updraft/core";
import { loadDagsFolder, type DagBagResult } from "../src/index.ts";

const GOOD = `import { bash, chain, dag, task } from "@updraft/sdk";
export default dag({ dagId: "good", tags: ["t"] }, () => {
  const a = bash({ taskId: "a", command: "echo a" });
  const b = task({ taskId: "b", inputs: { line: a } }, (_ctx, { line }) => line.length);
  chain(a, b);
});
export const second = dag({ dagId: "good_second" }, () => void task({ taskId: "x" }, () => 1));
`;

const BROKEN: Record<string, string> = {
  "throws.ts": `throw new Error("boom at import");`,
  "syntax.ts": `export const x = ;`,
  "hangs.ts": `while (true) {}`,
  "exits.ts": `process.exit(7);`,
  "cycle.ts": `import { dag, task, chain } from "@updraft/sdk";
export default dag({ dagId: "cyc" }, () => { const a = task({ taskId: "a" }, () => 1); const b = task({ taskId: "b" }, () => 2); chain(a, b, a); });`,
  "duplicate_task.ts": `import { dag, task } from "@updraft/sdk";
export default dag({ dagId: "dup_task" }, () => { task({ taskId: "a" }, () => 1); task({ taskId: "a" }, () => 2); });`,
  "unknown_dependency.ts": `import { dag, task, chain } from "@updraft/sdk";
let foreign: any;
export const other = dag({ dagId: "other_dag" }, () => { foreign = task({ taskId: "x" }, () => 1); });
export default dag({ dagId: "unknown_dep" }, () => { chain(foreign, task({ taskId: "y" }, () => 2)); });`,
  "zz_duplicate_dag_id.ts": `import { dag, task } from "@updraft/sdk";
export default dag({ dagId: "good" }, () => void task({ taskId: "a" }, () => 1));`,
};

let folder: string;
let result: DagBagResult;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "updraft-dags-"));
  await writeFile(join(folder, "good.ts"), GOOD);
  await mkdir(join(folder, "nested"));
  await writeFile(join(folder, "nested", "plain.js"), `import { dag, bash } from "@updraft/sdk";
export default dag({ dagId: "plain_js" }, () => { bash({ taskId: "t", command: "true" }); });`);
  await writeFile(join(folder, "types.d.ts"), `export type X = number;`);
  for (const [name, source] of Object.entries(BROKEN)) await writeFile(join(folder, name), source);
  result = await loadDagsFolder({ dagsFolder: folder, fileTimeoutMs: 3_000 });
}, 60_000);

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe("loadDagsFolder", () => {
  it("loads every exported DAG of the good files, .ts and .js, nested too", () => {
    expect(result.dags.map((d) => d.serialized.dagId)).toEqual(["good", "good_second", "plain_js"]);
    const good = result.dags[0]!;
    expect(good.serialized.fileloc).toBe("good.ts");
    expect(good.serialized.tasks.map((t) => t.taskId)).toEqual(["a", "b"]);
    expect(good.hash).toMatch(/^[0-9a-f]{64}$/);
    // Hashed in the parse process: the same hash the parent would compute from what it received.
    for (const d of result.dags) expect(d.hash).toBe(hashSerializedDag(d.serialized));
    expect(result.files).toBe(Object.keys(BROKEN).length + 2);
  });

  it("turns each broken file into one import error naming the problem", () => {
    const byFile = Object.fromEntries(result.importErrors.map((e) => [e.filename, e.message]));
    expect(Object.keys(byFile).sort()).toEqual(Object.keys(BROKEN).sort());
    expect(byFile["throws.ts"]).toContain("boom at import");
    // The useful line first (file:line:col: message), a code frame, and no loader internals.
    expect(byFile["syntax.ts"]!.split("\n")[0]).toMatch(/^syntax\.ts:1:\d+: (Unexpected|Expected) /);
    expect(byFile["syntax.ts"]).toContain("> 1 | export const x = ;");
    expect(byFile["throws.ts"]!.split("\n")[0]).toBe("throws.ts:1:7: Error: boom at import");
    expect(byFile["throws.ts"]).toContain('> 1 | throw new Error("boom at import");');
    for (const file of ["syntax.ts", "throws.ts"]) {
      expect(byFile[file], file).not.toMatch(/esbuild|node_modules|node:internal|TransformError/);
    }
    expect(byFile["hangs.ts"]).toContain("took longer than 3s");
    expect(byFile["exits.ts"]).toContain("code 7");
    expect(byFile["cycle.ts"]).toContain("UPDRAFT_DAG_CYCLE");
    expect(byFile["duplicate_task.ts"]).toContain("UPDRAFT_DAG_DUPLICATE_TASK_ID");
    expect(byFile["unknown_dependency.ts"]).toContain("UPDRAFT_DAG_UNKNOWN_DEPENDENCY");
    expect(byFile["zz_duplicate_dag_id.ts"]).toContain("UPDRAFT_DAG_DUPLICATE_ID");
  });

  it("gives the same bag when the files are spread over many short-lived parse processes", async () => {
    // Two files a process, three at once: a hanging or exiting file costs only its own process,
    // and the dag id defined twice still goes to the first file in folder order.
    const spread = await loadDagsFolder({ dagsFolder: folder, fileTimeoutMs: 3_000, processes: 3, filesPerProcess: 2 });
    expect(spread.dags.map((d) => [d.serialized.dagId, d.hash])).toEqual(result.dags.map((d) => [d.serialized.dagId, d.hash]));
    expect(spread.importErrors.map((e) => e.filename).sort()).toEqual(result.importErrors.map((e) => e.filename).sort());
    expect(spread.importErrors.find((e) => e.filename === "zz_duplicate_dag_id.ts")?.message).toContain("UPDRAFT_DAG_DUPLICATE_ID");
  }, 60_000);

  it("takes a DAG the caller holds with the same hash from the caller instead of the parse process", async () => {
    const good = result.dags.find((d) => d.serialized.dagId === "good")!;
    const plain = result.dags.find((d) => d.serialized.dagId === "plain_js")!;
    // Marked copies: which object comes back tells whether the parse process sent the DAG.
    const held = { serialized: { ...good.serialized, description: "held by the caller" }, hash: good.hash };
    const outdated = { serialized: { ...plain.serialized, description: "outdated" }, hash: "0".repeat(64) };
    const again = await loadDagsFolder({ dagsFolder: folder, fileTimeoutMs: 3_000, known: new Map([["good", held], ["plain_js", outdated]]) });
    expect(again.dags.find((d) => d.serialized.dagId === "good")).toBe(held);
    expect(again.dags.find((d) => d.serialized.dagId === "plain_js")).toEqual(plain);
    expect(again.dags.map((d) => [d.serialized.dagId, d.hash])).toEqual(result.dags.map((d) => [d.serialized.dagId, d.hash]));
  }, 60_000);

  it("refuses a missing folder with a typed error", async () => {
    await expect(loadDagsFolder({ dagsFolder: join(folder, "nope"), fileTimeoutMs: 1_000 })).rejects.toMatchObject({
      code: "UPDRAFT_DAGS_FOLDER_MISSING",
    });
  });
});
