// `updraft dags list | import-errors | test`: what the DAGs folder defines, what failed to load,
// and one run of a DAG in this process with the sequential executor.
import type { Command } from "commander";
import { toDagResponse, toImportErrorResponse } from "@updraft/api-contract";
import type { JsonValue } from "@updraft/core";
import { listDags, listImportErrors } from "@updraft/db";
import { cliConfig, withDatabase } from "../cli-context.ts";
import { parseAndSyncDags } from "../dag-bag.ts";
import { parseJsonObject, printJson, printTable } from "../output.ts";
import { importDag, runDagInProcess } from "../run-in-process.ts";

export function registerDagCommands(program: Command): void {
  const dags = program.command("dags").description("List, inspect and test DAGs");

  dags
    .command("list")
    .description("Parse the DAGs folder and list its DAGs")
    .option("--json", "print the same objects as GET /api/v1/dags")
    .action(async (options: { json?: boolean }) => {
      const config = cliConfig();
      const { rows, errors } = await withDatabase(async (database) => {
        const bag = await parseAndSyncDags(database);
        return { rows: await listDags(database.db, { activeOnly: true }), errors: bag.importErrors.length };
      });
      const response = rows.map((row) => toDagResponse(row, config));
      if (options.json) return printJson({ dags: response, total_entries: response.length });
      printTable(
        ["dag_id", "fileloc", "is_paused", "schedule", "tags"],
        response.map((d) => [d.dag_id, d.fileloc, d.is_paused, d.schedule_interval ?? "None", d.tags.map((t) => t.name).join(",")]),
      );
      if (errors > 0) console.error(`\n${errors} file(s) failed to load: see \`updraft dags import-errors\`.`);
    });

  dags
    .command("import-errors")
    .description("Parse the DAGs folder and list the files that failed to load")
    .option("--json", "print the same objects as GET /api/v1/importErrors")
    .action(async (options: { json?: boolean }) => {
      const rows = await withDatabase(async (database) => {
        await parseAndSyncDags(database);
        return listImportErrors(database.db);
      });
      const response = rows.map(toImportErrorResponse);
      if (options.json) return printJson({ import_errors: response, total_entries: response.length });
      if (response.length === 0) return console.log("No import errors.");
      for (const e of response) console.log(`${e.filename} (${e.timestamp})\n  ${e.stack_trace.split("\n").join("\n  ")}\n`);
    });

  dags
    .command("test")
    .description("Run one run of a DAG in this process with the sequential executor (no scheduler or database needed)")
    .argument("<dag_id>", "the DAG to run")
    .option("--conf <json>", "run configuration as a JSON object (overrides the DAG's params)")
    .action(async (dagId: string, options: { conf?: string }) => {
      const conf = parseJsonObject(options.conf, "--conf") as Record<string, JsonValue>;
      const dag = await importDag(dagId);
      const state = await runDagInProcess(dag, conf);
      process.exitCode = state === "success" ? 0 : 1;
    });
}
