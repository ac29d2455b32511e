// The compiled-DAG cache: a bundle is found only for the current content of every source in it
// (the DAG file and the modules it imports), a compile failure names the file, line and column and
// caches nothing, and the bundle imports the SDK it was compiled for.
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileDagFile, DagCompileError, findCompiledDag } from "../src/index.ts";

let folder: string;
let cacheDir: string;
const SDK = "file:///opt/updraft/sdk/index.js";

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "updraft-dag-cache-test-"));
  cacheDir = join(folder, "cache");
  await writeFile(join(folder, "helper.ts"), `export const n: number = 1;\n`);
  await writeFile(join(folder, "dag.ts"), `import { dag } from "@updraft/sdk";\nimport { n } from "./helper.ts";\nexport default dag({ dagId: "d" + n }, () => {});\n`);
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe("compiled DAG cache", () => {
  it("finds a bundle only while every source is unchanged, and recompiles an edit to a new URL", async () => {
    const entry = join(folder, "dag.ts");
    expect(await findCompiledDag(entry, SDK, cacheDir)).toBeNull();
    const first = await compileDagFile(entry, SDK, cacheDir);
    expect(first.inputs).toEqual([entry, join(folder, "helper.ts")]);
    expect(await findCompiledDag(entry, SDK, cacheDir)).toEqual(first);
    const code = await readFile(fileURLToPath(first.url), "utf8");
    expect(code).toContain(`from "${SDK}"`);
    expect(code).toMatch(/\/\/# sourceMappingURL=\S+\.mjs\.map\n$/);
    // Another SDK is another cache entry.
    expect(await findCompiledDag(entry, "file:///elsewhere/sdk.js", cacheDir)).toBeNull();

    await writeFile(join(folder, "helper.ts"), `export const n: number = 2;\n`);
    expect(await findCompiledDag(entry, SDK, cacheDir)).toBeNull();
    const second = await compileDagFile(entry, SDK, cacheDir);
    expect(second.url).not.toBe(first.url);
    expect(await findCompiledDag(entry, SDK, cacheDir)).toEqual(second);
  });

  it("reports a syntax error with the file, line and column, and caches nothing", async () => {
    const entry = join(folder, "broken.ts");
    await writeFile(entry, `import { dag } from "@updraft/sdk";\nexport default dag({ dagId: "b" }, () => { const x = ; });\n`);
    const error = await compileDagFile(entry, SDK, cacheDir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DagCompileError);
    expect((error as DagCompileError).message).toBe(`Transform failed with 1 error:\n${entry}:2:53: ERROR: Unexpected ";"`);
    expect(await findCompiledDag(entry, SDK, cacheDir)).toBeNull();
  });

  it("refuses a cache folder others may write to: its bundles would be imported as code", async () => {
    const shared = join(folder, "shared-cache");
    await mkdir(shared);
    await chmod(shared, 0o777);
    const entry = join(folder, "dag.ts");
    const error = await compileDagFile(entry, SDK, shared).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "UPDRAFT_DAG_CACHE_UNSAFE" });
    expect(String((error as Error).message)).toContain("mode 777");
    await chmod(shared, 0o700);
    const ours = await compileDagFile(entry, SDK, shared);
    expect(await findCompiledDag(entry, SDK, shared)).toEqual(ours);
    // Once others may write there, a bundle found there is not imported.
    await chmod(shared, 0o775);
    await expect(findCompiledDag(entry, SDK, shared)).rejects.toMatchObject({ code: "UPDRAFT_DAG_CACHE_UNSAFE" });
  });
});
