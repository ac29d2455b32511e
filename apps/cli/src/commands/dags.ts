// `updraft dags ...`: list DAGs and import errors, trigger, pause, backfill, type-check the DAGs
// folder, and test a DAG in this process with the sequential executor.
import type { Command } from "commander";
import type { JsonValue } from "@updraft/core";
import type { Control, ControlUse, DagRunSummary } from "../control/index.ts";
import { parseJsonObject, printJson, printTable } from "../output.ts";

// The control layer (database, scheduler's DAG processing, REST client) loads when a command runs.
async function withControl<T>(work: (control: Control) => Promise<T>, use: ControlUse = {}): Promise<T> {
  const [{ cliConfig }, control] = await Promise.all([import("../cli-context.ts"), import("../control/index.ts")]);
  return control.withControl(cliConfig(), work, use);
}

export function registerDagCommands(program: Command): void {
  const dags = program.command("dags").description("List, trigger, pause, backfill and test DAGs");

  dags
    .command("list")
    .description("Parse the DAGs folder and list its DAGs")
    .option("--json", "print the same objects as GET /api/v1/dags")
    .action(async (options: { json?: boolean }) => {
      const { list, errors, parsedBy } = await withControl(async (c) => ({
        list: await c.listDags(),
        errors: (await c.listImportErrors()).length,
        parsedBy: c.parsesOnDemand ? null : c.target,
      }), { parses: true });
      if (parsedBy) noteParseAge(parsedBy, list);
      if (options.json) return printJson({ dags: list, total_entries: list.length });
      printTable(
        ["dag_id", "fileloc", "is_paused", "schedule", "tags"],
        list.map((d) => [d.dag_id, d.fileloc, d.is_paused, d.schedule_interval?.value ?? "None", d.tags.map((t) => t.name).join(",")]),
      );
      if (errors > 0) console.error(`\n${errors} file(s) failed to load: see \`updraft dags import-errors\`.`);
    });

  dags
    .command("import-errors")
    .description("Parse the DAGs folder and list the files that failed to load")
    .option("--json", "print the same objects as GET /api/v1/importErrors")
    .action(async (options: { json?: boolean }) => {
      const list = await withControl(async (c) => {
        const errors = await c.listImportErrors();
        if (!c.parsesOnDemand) noteParseAge(c.target, await c.listDags());
        return errors;
      }, { parses: true });
      if (options.json) return printJson({ import_errors: list, total_entries: list.length });
      if (list.length === 0) return console.log("No import errors.");
      for (const e of list) console.log(`${e.filename} (${e.timestamp})\n  ${e.stack_trace.split("\n").join("\n  ")}\n`);
    });

  dags
    .command("check")
    .description("Type-check the DAGs folder with the project's TypeScript; print each error as file:line:col and exit 1 if there are any")
    .option("--json", "print the errors as JSON")
    .action(async (options: { json?: boolean }) => {
      // Only the config and the checker load: no database, no DAG import.
      const [{ loadConfig }, { formatTypeDiagnostic, typecheckDagsFolder }] = await Promise.all([import("@updraft/config"), import("@updraft/dag-loader")]);
      const { dagsFolder } = loadConfig();
      const result = await typecheckDagsFolder(dagsFolder);
      process.exitCode = result.diagnostics.length > 0 ? 1 : 0;
      if (options.json) return printJson({ errors: result.diagnostics, files: result.files, typescript_version: result.typescriptVersion, tsconfig: result.tsconfig });
      for (const d of result.diagnostics) console.log(formatTypeDiagnostic(d));
      const config = result.tsconfig ?? "strict defaults (no tsconfig.json found)";
      const summary = `${result.files} DAG file(s) in ${dagsFolder}, TypeScript ${result.typescriptVersion}, ${config}`;
      if (result.diagnostics.length === 0) console.log(`No type errors: ${summary}.`);
      else console.error(`\n${result.diagnostics.length} type error(s): ${summary}.`);
    });

  dags
    .command("trigger")
    .description("Create a DAG run now (the scheduler runs it)")
    .argument("<dag_id>", "the DAG to run")
    .option("--conf <json>", "run configuration as a JSON object (overrides the DAG's params)")
    .option("--run-id <id>", "id of the run (default manual__<time>)")
    .option("--wait", "wait for the run to finish; exit 0 on success, 1 on failure")
    .action(async (dagId: string, options: { conf?: string; runId?: string; wait?: boolean }) => {
      const conf = parseJsonObject(options.conf, "--conf") as Record<string, JsonValue>;
      await withControl(async (control) => {
        const run = await control.trigger(dagId, { conf, runId: options.runId });
        console.log(`Triggered ${run.dag_id} run ${run.dag_run_id} (${run.state}) via ${control.target}.`);
        if (!options.wait) return;
        await notePaused(control, run.dag_id);
        const final = await waitForRun(control, run);
        console.log(`Run ${final.dag_run_id} ${final.state}.`);
        process.exitCode = final.state === "success" ? 0 : 1;
      });
    });

  for (const [name, paused] of [["pause", true], ["unpause", false]] as const) {
    dags
      .command(name)
      .description(paused ? "Pause a DAG: no new task instances start" : "Unpause a DAG")
      .argument("<dag_id>", "the DAG")
      .action(async (dagId: string) => {
        const dag = await withControl((c) => c.setPaused(dagId, paused));
        console.log(`DAG ${dag.dag_id} is ${dag.is_paused ? "paused" : "unpaused"}.`);
      });
  }

  dags
    .command("backfill")
    .description("Create runs for every schedule interval with a logical date in [start, end]")
    .argument("<dag_id>", "the DAG")
    .requiredOption("--start <date>", "first logical date (ISO 8601, e.g. 2026-01-01)")
    .requiredOption("--end <date>", "last logical date (ISO 8601)")
    .action(async (dagId: string, options: { start: string; end: string }) => {
      const start = await parseDate(options.start, "--start");
      const end = await parseDate(options.end, "--end");
      const runs = await withControl((c) => c.backfill(dagId, start, end));
      console.log(`Created ${runs.length} backfill run(s) of ${dagId}${runs.length > 0 ? `: ${runs[0]!.logical_date} .. ${runs.at(-1)!.logical_date}` : " (they exist already or no interval falls in the range)"}.`);
    });

  dags
    .command("test")
    .description(
      "Run one run of a DAG in this process with the sequential executor (no scheduler or database needed); the run is not recorded, so it does not appear in the dashboard or API",
    )
    .argument("<dag_id>", "the DAG to run")
    .option("--conf <json>", "run configuration as a JSON object (overrides the DAG's params)")
    .action(async (dagId: string, options: { conf?: string }) => {
      const conf = parseJsonObject(options.conf, "--conf") as Record<string, JsonValue>;
      const { exitAfterInProcessRun, importDag, runDagInProcess } = await import("../run-in-process.ts");
      const dag = await importDag(dagId);
      const state = await runDagInProcess(dag, conf);
      exitAfterInProcessRun(state === "success" ? 0 : 1);
    });
}

/**
 * Beside a running standalone the answer is what it parsed last, not a parse made now: say when
 * that was (the newest `last_parsed_time`), on stderr so JSON output stays clean.
 */
function noteParseAge(target: string, dags: Array<{ last_parsed_time: string | null }>): void {
  const last = Math.max(...dags.map((d) => (d.last_parsed_time ? Date.parse(d.last_parsed_time) : 0)), 0);
  const when = last > 0 ? `at ${new Date(last).toISOString()} (${Math.max(0, Math.round((Date.now() - last) / 1000))} s ago)` : "(no parse recorded yet)";
  process.stderr.write(`note: as parsed by ${target} ${when}; it re-parses the DAGs folder every 30 s.\n`);
}

/**
 * A paused DAG's run stays queued until the DAG is unpaused (as in Airflow): say so on stderr
 * before `--wait` waits, which it still does, since the DAG may be unpaused from elsewhere.
 */
async function notePaused(control: Control, dagId: string): Promise<void> {
  if (!(await control.getDag(dagId)).is_paused) return;
  process.stderr.write(`DAG "${dagId}" is paused: the run waits in queued until it is unpaused (updraft dags unpause ${dagId})\n`);
}

async function waitForRun(control: Control, run: DagRunSummary): Promise<DagRunSummary> {
  for (;;) {
    const current = await control.getRun(run.dag_id, run.dag_run_id);
    if (current.state === "success" || current.state === "failed") return current;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function parseDate(text: string, option: string): Promise<Date> {
  const { UpdraftError } = await import("@updraft/core");
  const date = new Date(/T/.test(text) && !/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? `${text}Z` : text);
  if (Number.isNaN(date.getTime())) throw new UpdraftError("UPDRAFT_INVALID_INPUT", `${option} "${text}" is not a date; use ISO 8601 such as 2026-01-01`);
  return date;
}
