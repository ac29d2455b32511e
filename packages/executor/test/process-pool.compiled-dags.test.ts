// Task processes import DAG files compiled (no loader hook in the process): a DAG file importing a
// sibling TS module and a package from the DAGs folder's own node_modules runs, import.meta keeps
// pointing at the source folder, a failing task's stack names the .ts file and line, an edited
// sibling is picked up by the next try in the same process, and a syntax error fails the try as an
// import failure naming the file.
import { readdirSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TaskProcessPool } from "../src/index.ts";
import { tryJob } from "./support/try-job.ts";

let folder: string;
let savedTmpdir: string | undefined;

const UTIL = (greeting: string) => `import { readFileSync } from "node:fs";
import { join } from "node:path";
export const greeting: string = ${JSON.stringify(greeting)};
export const here: string = import.meta.url;
export function sibling(): string {
  return readFileSync(join(import.meta.dirname, "data.txt"), "utf8").trim();
}
export function fail(): never {
  throw new Error("failed in util");
}
`;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "updraft-pool-compiled-"));
  // The task processes' compiled-DAG cache goes under the test's folder (it lives in TMPDIR).
  savedTmpdir = process.env.TMPDIR;
  process.env.TMPDIR = join(folder, "tmp");
  await mkdir(join(folder, "tmp"));
  await mkdir(join(folder, "lib"));
  await mkdir(join(folder, "node_modules", "flavour"), { recursive: true });
  // A dual package: Node's import picks the "import" condition, not "require" nor "module".
  await writeFile(
    join(folder, "node_modules", "flavour", "package.json"),
    JSON.stringify({ name: "flavour", version: "1.0.0", module: "./wrong.mjs", exports: { ".": { import: "./esm.mjs", require: "./cjs.cjs" } } }),
  );
  await writeFile(join(folder, "node_modules", "flavour", "esm.mjs"), `export const flavour = "esm";\n`);
  await writeFile(join(folder, "node_modules", "flavour", "cjs.cjs"), `exports.flavour = "cjs";\n`);
  await writeFile(join(folder, "lib", "data.txt"), "next to util\n");
  await writeFile(join(folder, "lib", "util.ts"), UTIL("hello"));
  await writeFile(
    join(folder, "main.ts"),
    `import { dag, task } from "@updraft/sdk";
import { flavour } from "flavour";
import { fail, greeting, here, sibling } from "./lib/util.ts";

interface Shape { n: number }
const shape: Shape = { n: 1 };

export default dag({ dagId: "compiled" }, () => {
  task({ taskId: "info" }, () => ({ flavour, greeting, here, sibling: sibling(), self: import.meta.url, n: shape.n }));
  task({ taskId: "fails_in_util" }, () => fail());
  task({ taskId: "fails_here" }, () => {
    throw new Error("failed in main");
  });
});
`,
  );
  await writeFile(
    join(folder, "broken.ts"),
    `import { dag, task } from "@updraft/sdk";

export default dag({ dagId: "broken" }, () => {
  task({ taskId: "a" }, () => (1 + ));
});
`,
  );
});

afterAll(async () => {
  if (savedTmpdir === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmpdir;
  await rm(folder, { recursive: true, force: true });
});

const job = (file: string, dagId: string, taskId: string) => tryJob(folder, file, dagId, taskId);

describe("a task process importing a compiled DAG file", () => {
  it("runs it with its sibling module and node_modules, names the .ts file in stacks, and picks up an edit", async () => {
    const pool = new TaskProcessPool({ size: 1, maxTriesPerChild: 100 });
    const pids = new Set<number>();
    const hooks = {
      onStart: (pid: number) => {
        pids.add(pid);
        return Promise.resolve(true);
      },
      onLog: () => {},
      deadlineMs: null,
    };
    try {
      const info = await pool.run(job("main.ts", "compiled", "info"), hooks);
      expect(info).toEqual({
        state: "success",
        result: {
          flavour: "esm",
          greeting: "hello",
          here: pathToFileURL(join(folder, "lib", "util.ts")).href,
          sibling: "next to util",
          self: pathToFileURL(join(folder, "main.ts")).href,
          n: 1,
        },
      });

      const inUtil = await pool.run(job("main.ts", "compiled", "fails_in_util"), hooks);
      expect(inUtil).toMatchObject({ state: "failed" });
      const utilStack = (inUtil as { error: string }).error;
      expect(utilStack).toContain(`${join(folder, "lib", "util.ts")}:9:9`);
      expect(utilStack).toContain(`${join(folder, "main.ts")}:10:43`);

      const inMain = await pool.run(job("main.ts", "compiled", "fails_here"), hooks);
      expect((inMain as { error: string }).error).toContain(`${join(folder, "main.ts")}:12:11`);

      // Only the sibling changes; the next try in the same process sees it.
      await writeFile(join(folder, "lib", "util.ts"), UTIL("edited"));
      const edited = await pool.run(job("main.ts", "compiled", "info"), hooks);
      expect(edited).toMatchObject({ state: "success", result: { greeting: "edited" } });
      expect(pids.size).toBe(1);

      expect(readdirSync(join(folder, "tmp"))).toContainEqual(expect.stringMatching(/^updraft-dag-cache-/));

      const broken = await pool.run(job("broken.ts", "broken", "a"), hooks);
      expect(broken).toMatchObject({ state: "failed", timedOut: false });
      expect((broken as { error: string }).error).toContain(`Transform failed with 1 error:\n${join(folder, "broken.ts")}:4:35: ERROR: Unexpected ")"`);
    } finally {
      await pool.close();
    }
  }, 60_000);
});
