// The work behind `updraft variables ...`, loaded only when such a command runs (see program.ts:
// command modules import commander alone, so `--help` stays fast).
import { readFile, writeFile } from "node:fs/promises";
import { UpdraftError } from "@updraft/core";
import { cliConfig } from "../cli-context.ts";
import { withSecretsStore } from "../control/secrets-store.ts";
import { printJson, printTable } from "../output.ts";

/** What `variables import` does with a key that exists, as Airflow's `--action-on-existing-key`. */
export type OnExisting = "overwrite" | "fail" | "skip";

export async function setVariable(key: string, value: string, options: { description?: string; serializeJson?: boolean }): Promise<void> {
  if (options.serializeJson) JSON.parse(value);
  await withSecretsStore(cliConfig(), (s) => s.setVariable({ key, value, description: options.description }));
  console.log(`Variable ${key} set.`);
}

export async function getVariable(key: string, options: { deserializeJson?: boolean; default?: string }): Promise<void> {
  const found = await withSecretsStore(cliConfig(), (s) => s.getVariable(key));
  if (!found || found.value === null) {
    if (options.default !== undefined) return void console.log(options.default);
    throw new UpdraftError("UPDRAFT_VARIABLE_NOT_FOUND", `Variable "${key}" does not exist`);
  }
  if (options.deserializeJson) printJson(JSON.parse(found.value));
  else console.log(found.value);
}

export async function listVariables(options: { json?: boolean }): Promise<void> {
  const all = await withSecretsStore(cliConfig(), (s) => s.listVariables());
  if (options.json) return printJson(all.map((v) => ({ key: v.key, description: v.description })));
  printTable(["key", "description"], all.map((v) => [v.key, v.description]));
}

export async function deleteVariable(key: string): Promise<void> {
  if (!(await withSecretsStore(cliConfig(), (s) => s.deleteVariable(key)))) {
    throw new UpdraftError("UPDRAFT_VARIABLE_NOT_FOUND", `Variable "${key}" does not exist`);
  }
  console.log(`Variable ${key} deleted.`);
}

export async function exportVariables(file: string): Promise<void> {
  const all = await withSecretsStore(cliConfig(), (s) => s.listVariables());
  const out = Object.fromEntries(all.map((v) => [v.key, parseIfJson(v.value ?? "")]));
  await writeFile(file, `${JSON.stringify(out, null, 4)}\n`);
  console.log(`${all.length} variables exported to ${file}.`);
}

export async function importVariables(file: string, options: { actionOnExistingKey: OnExisting }): Promise<void> {
  const data = JSON.parse(await readFile(file, "utf8")) as unknown;
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    throw new UpdraftError("UPDRAFT_INVALID_INPUT", `${file} must hold a JSON object of key -> value`);
  }
  const counts = await withSecretsStore(cliConfig(), async (s) => {
    let imported = 0;
    let skipped = 0;
    for (const [key, value] of Object.entries(data)) {
      if (options.actionOnExistingKey !== "overwrite" && (await s.getVariable(key))) {
        if (options.actionOnExistingKey === "fail") throw new UpdraftError("UPDRAFT_INVALID_INPUT", `Variable "${key}" already exists`);
        skipped++;
        continue;
      }
      await s.setVariable({ key, value: typeof value === "string" ? value : JSON.stringify(value) });
      imported++;
    }
    return { imported, skipped };
  });
  console.log(`${counts.imported} of ${counts.imported + counts.skipped} variables successfully updated.`);
}

function parseIfJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
