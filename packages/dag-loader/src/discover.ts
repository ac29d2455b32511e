// Finds the DAG files under the DAGs folder: every .ts/.js module (and .mts/.mjs), recursively,
// skipping declaration files, dot-folders and node_modules, in a stable order.
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { UpdraftError } from "@updraft/core";

const DAG_FILE = /\.(?:m?ts|m?js)$/;
const NOT_DAG_FILE = /\.d\.m?ts$/;

export async function discoverDagFiles(dagsFolder: string): Promise<string[]> {
  const info = await stat(dagsFolder).catch(() => null);
  if (!info?.isDirectory()) {
    throw new UpdraftError("UPDRAFT_DAGS_FOLDER_MISSING", `the DAGs folder ${dagsFolder} does not exist or is not a folder`, {
      details: { dagsFolder },
    });
  }
  const files: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    for (const entry of entries) {
      if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile() && DAG_FILE.test(entry.name) && !NOT_DAG_FILE.test(entry.name)) files.push(path);
    }
  };
  await walk(dagsFolder);
  return files.sort();
}
