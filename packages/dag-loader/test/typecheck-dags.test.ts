// Type-checking a DAGs folder outside the repository (no tsconfig.json, no node_modules): a DAG
// whose typed input no longer matches its upstream result is reported at file:line:col, and with
// UPDRAFT_DAGS_TYPECHECK its file becomes an import error while the others keep loading.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatTypeDiagnostic, loadDagsFolder, typecheckDagsFolder, withTypeErrorsAsImportErrors, type TypecheckResult } from "../src/index.ts";

const MISMATCHED = `import { dag, task } from "@updraft/sdk";

export default dag({ dagId: "mismatched", schedule: null }, () => {
  const extract = task({ taskId: "extract" }, async () => ({ count: 2 }));
  task({ taskId: "sum", inputs: { orders: extract } }, (_ctx, { orders }) => orders.reduce((a: number, b: number) => a + b, 0));
});
`;
const FINE = `import { bash, dag } from "@updraft/sdk";
export default dag({ dagId: "fine" }, () => { bash({ taskId: "a", command: "true" }); });
`;

let folder: string;
let checked: TypecheckResult;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "updraft-typecheck-"));
  await writeFile(join(folder, "mismatched.ts"), MISMATCHED);
  await writeFile(join(folder, "fine.ts"), FINE);
  await writeFile(join(folder, "broken.ts"), "export const x = ;");
  checked = await typecheckDagsFolder(folder);
}, 60_000);

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe("typecheckDagsFolder", () => {
  it("reports the mismatched input at file:line:col with Updraft's SDK typings", () => {
    expect(checked.tsconfig).toBeNull();
    expect(checked.files).toBe(3);
    const lines = checked.diagnostics.map(formatTypeDiagnostic);
    expect(lines).toContain("mismatched.ts:5:85 - error TS2339: Property 'reduce' does not exist on type '{ count: number; }'.");
    expect(lines.some((l) => l.startsWith("fine.ts"))).toBe(false);
  });

  it("turns the file with type errors into an import error; the others load (UPDRAFT_DAGS_TYPECHECK)", async () => {
    const loaded = await loadDagsFolder({ dagsFolder: folder, fileTimeoutMs: 10_000 });
    // Loading alone strips types: the mismatched DAG loads.
    expect(loaded.dags.map((d) => d.serialized.dagId)).toEqual(["fine", "mismatched"]);
    const bag = withTypeErrorsAsImportErrors(loaded, checked.diagnostics);
    expect(bag.dags.map((d) => d.serialized.dagId)).toEqual(["fine"]);
    expect(bag.importErrors.map((e) => e.filename)).toEqual(["broken.ts", "mismatched.ts"]);
    // A file that already failed to import keeps its own error, not the type checker's.
    expect(bag.importErrors[0]!.message).toMatch(/^broken\.ts:1:\d+: /);
    expect(bag.importErrors[1]!.message.split("\n")[0]).toBe("mismatched.ts:5:85 - error TS2339: Property 'reduce' does not exist on type '{ count: number; }'.");
  });
});
