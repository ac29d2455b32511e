// `updraft variables set|get|list|delete|import|export`, as Airflow's `airflow variables`. The
// import/export file is Airflow's: a JSON object of key -> value (non-string values are stored as JSON).
// This module only declares the commands; variables-actions.ts does the work when one runs.
import { Option, type Command } from "commander";
import type { OnExisting } from "./variables-actions.ts";

const actions = () => import("./variables-actions.ts");

export function registerVariableCommands(program: Command): void {
  const variables = program.command("variables").description("Manage variables that tasks read with Variable.get");

  variables
    .command("set <key> <value>")
    .description("Create or replace a variable")
    .option("--description <text>", "what the variable is for")
    .option("-j, --serialize-json", "store VALUE after checking it is JSON")
    .action(async (key: string, value: string, options: { description?: string; serializeJson?: boolean }) => (await actions()).setVariable(key, value, options));

  variables
    .command("get <key>")
    .description("Print a variable's value")
    .option("-j, --deserialize-json", "print the value parsed as JSON")
    .option("-d, --default <value>", "print this when the variable does not exist")
    .action(async (key: string, options: { deserializeJson?: boolean; default?: string }) => (await actions()).getVariable(key, options));

  variables
    .command("list")
    .description("List variables (keys and descriptions)")
    .option("--json", "print JSON")
    .action(async (options: { json?: boolean }) => (await actions()).listVariables(options));

  variables
    .command("delete <key>")
    .description("Delete a variable")
    .action(async (key: string) => (await actions()).deleteVariable(key));

  variables
    .command("export <file>")
    .description("Write every variable to a JSON file (Airflow's format: {key: value})")
    .action(async (file: string) => (await actions()).exportVariables(file));

  variables
    .command("import <file>")
    .description("Create variables from a JSON file (Airflow's format: {key: value})")
    .addOption(new Option("--action-on-existing-key <action>", "what to do with a key that exists").choices(["overwrite", "fail", "skip"]).default("overwrite"))
    .action(async (file: string, options: { actionOnExistingKey: OnExisting }) => (await actions()).importVariables(file, options));
}
