// `updraft dags check`: type-checks the DAGs folder with the project's TypeScript. A DAG whose
// typed input no longer matches its upstream task's result loads fine (types are stripped) but
// fails here with file:line:col and exit 1; the example DAGs pass with exit 0.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXAMPLE_DAGS, makeHome, runCli } from "./support.ts";

// `extract` returns an object, not a list: `orders.reduce` is the run-time failure.
const MISMATCHED = `import { dag, task } from "@updraft/sdk";

export default dag({ dagId: "mismatched", schedule: null }, () => {
  const extract = task({ taskId: "extract" }, async () => ({ count: 2 }));
  task({ taskId: "sum", inputs: { orders: extract } }, (_ctx, { orders }) => orders.reduce((a: number, b: number) => a + b, 0));
});
`;

let home: { home: string; cleanup: () => Promise<void> };
let folder: string;

beforeAll(async () => {
  home = await makeHome();
  folder = await mkdtemp(join(tmpdir(), "updraft-cli-check-"));
  await writeFile(join(folder, "mismatched.ts"), MISMATCHED);
  await writeFile(join(folder, "fine.ts"), `import { bash, dag } from "@updraft/sdk";\nexport default dag({ dagId: "fine" }, () => { bash({ taskId: "a", command: "true" }); });\n`);
});

afterAll(async () => {
  await home.cleanup();
  await rm(folder, { recursive: true, force: true });
});

describe("updraft dags check", () => {
  it("prints each type error as file:line:col and exits 1", async () => {
    const result = await runCli(["dags", "check"], { UPDRAFT_HOME: home.home, UPDRAFT_DAGS_FOLDER: folder });
    expect(result.code).toBe(1);
    expect(result.stdout.trim().split("\n")).toEqual([`mismatched.ts:5:85 - error TS2339: Property 'reduce' does not exist on type '{ count: number; }'.`]);
    expect(result.stderr).toContain("1 type error(s): 2 DAG file(s)");

    const json = await runCli(["dags", "check", "--json"], { UPDRAFT_HOME: home.home, UPDRAFT_DAGS_FOLDER: folder });
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ files: 2, errors: [{ file: "mismatched.ts", line: 5, column: 85, code: 2339 }] });
  });

  it("passes the example DAGs with exit 0, using their tsconfig.json", async () => {
    const result = await runCli(["dags", "check"], { UPDRAFT_HOME: home.home, UPDRAFT_DAGS_FOLDER: EXAMPLE_DAGS });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^No type errors: \d+ DAG file\(s\) in .*, TypeScript [\d.]+, .*tsconfig\.json\.\n$/);
  });

  it("says so in one line when the DAGs folder is missing", async () => {
    const result = await runCli(["dags", "check"], { UPDRAFT_HOME: home.home, UPDRAFT_DAGS_FOLDER: join(folder, "nope") });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("UPDRAFT_DAGS_FOLDER_MISSING");
  });
});
