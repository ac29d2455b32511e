// `updraft tasks test DAG_ID TASK_ID`: run one task in this process, ignoring its dependencies and
// recording nothing, to try it out (Airflow's `tasks test`).
import type { Command } from "commander";
import type { JsonValue } from "@updraft/core";
import { parseJsonObject } from "../output.ts";

export function registerTaskCommands(program: Command): void {
  const tasks = program.command("tasks").description("Work with single tasks");

  tasks
    .command("test")
    .description("Run one task in this process without its dependencies and without recording state")
    .argument("<dag_id>", "the DAG")
    .argument("<task_id>", "the task to run")
    .option("--conf <json>", "run configuration as a JSON object")
    .option("--inputs <json>", "values for the task's inputs (upstream results) as a JSON object")
    .action(async (dagId: string, taskId: string, options: { conf?: string; inputs?: string }) => {
      const conf = parseJsonObject(options.conf, "--conf") as Record<string, JsonValue>;
      const inputs = parseJsonObject(options.inputs, "--inputs");
      const { exitAfterInProcessRun, importDag, printLogLine, printOutcome, withTaskProcess } = await import("../run-in-process.ts");
      const dag = await importDag(dagId);
      const spec = dag.task(taskId).spec;
      const missing = Object.keys(spec.inputs).filter((name) => !(name in inputs));
      if (missing.length > 0) console.error(`note: inputs ${missing.join(", ")} are undefined; pass them with --inputs`);
      const started = performance.now();
      const outcome = await withTaskProcess(dag, (runner) => runner({
        dag,
        taskId,
        runId: `test__${new Date().toISOString()}`,
        tryNumber: 1,
        logicalDate: new Date(),
        dataIntervalStart: null,
        dataIntervalEnd: null,
        conf,
        inputs,
        sink: (line) => printLogLine(taskId, line),
      }));
      printOutcome(taskId, 1, outcome, outcome.state === "success" ? "success" : outcome.state, performance.now() - started);
      if (outcome.state === "success") console.log(`result: ${JSON.stringify(outcome.result)}`);
      exitAfterInProcessRun(outcome.state === "failed" ? 1 : 0);
    });
}
