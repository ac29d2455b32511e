// `updraft variables set|get|list|delete|import|export`, as Airflow's `airflow variables`. The
// import/export file is Airflow's: a JSON object of key -> value (non-string values are stored as JSON).
import { readFile, writeFile } from "node:fs/promises";
import { Option, type Command } from "commander";
import { UpdraftError } from "@updraft/core";
import { cliConfig } from "../cli-context.ts";
import { withSecretsStore } from "../control/secrets-store.ts";
import { printJson, printTable } from "../output.ts";

type OnExisting = "overwrite" | "fail" | "skip";

export function registerVariableCommands(program: Command): void {
  const variables = program.command("variables").description("Manage variables that tasks read with Variable.get");

  variables
    .command("set <key> <value>")
    .description("Create or replace a variable")
    .option("--description <text>", "what the variable is for")
    .option("-j, --serialize-json", "store VALUE after checking it is JSON")
    .action(async (key: string, value: string, options: { description?: string; serializeJson?: boolean }) => {
      if (options.serializeJson) JSON.parse(value);
      await withSecretsStore(cliConfig(), (s) => s.setVariable({ key, value, description: options.description }));
      console.log(`Variable ${key} set.`);
    });

  variables
    .command("get <key>")
    .description("Print a variable's value")
    .option("-j, --deserialize-json", "print the value parsed as JSON")
    .option("-d, --default <value>", "print this when the variable does not exist")
    .action(async (key: string, options: { deserializeJson?: boolean; default?: string }) => {
      const found = await withSecretsStore(cliConfig(), (s) => s.getVariable(key));
      if (!found || found.value === null) {
        if (options.default !== undefined) return void console.log(options.default);
        throw new UpdraftError("UPDRAFT_VARIABLE_NOT_FOUND", `Variable "${key}" does not exist`);
      }
      if (options.deserializeJson) printJson(JSON.parse(found.value));
      else console.log(found.value);
    });

  variables
    .command("list")
    .description("List variables (keys and descriptions)")
    .option("--json", "print JSON")
    .action(async (options: { json?: boolean }) => {
      const all = await withSecretsStore(cliConfig(), (s) => s.listVariables());
      if (options.json) return printJson(all.map((v) => ({ key: v.key, description: v.description })));
      printTable(["key", "description"], all.map((v) => [v.key, v.description]));
    });

  variables
    .command("delete <key>")
    .description("Delete a variable")
    .action(async (key: string) => {
      if (!(await withSecretsStore(cliConfig(), (s) => s.deleteVariable(key)))) {
        throw new UpdraftError("UPDRAFT_VARIABLE_NOT_FOUND", `Variable "${key}" does not exist`);
      }
      console.log(`Variable ${key} deleted.`);
    });

  variables
    .command("export <file>")
    .description("Write every variable to a JSON file (Airflow's format: {key: value})")
    .action(async (file: string) => {
      const all = await withSecretsStore(cliConfig(), (s) => s.listVariables());
      const out = Object.fromEntries(all.map((v) => [v.key, parseIfJson(v.value ?? "")]));
      await writeFile(file, `${JSON.stringify(out, null, 4)}\n`);
      console.log(`${all.length} variables exported to ${file}.`);
    });

  variables
    .command("import <file>")
    .description("Create variables from a JSON file (Airflow's format: {key: value})")
    .addOption(new Option("--action-on-existing-key <action>", "what to do with a key that exists").choices(["overwrite", "fail", "skip"]).default("overwrite"))
    .action(async (file: string, options: { actionOnExistingKey: OnExisting }) => {
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
    });
}

function parseIfJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
