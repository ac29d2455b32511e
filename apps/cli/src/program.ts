// The `updraft` command line: one commander program; each command group lives in commands/.
// Command modules import only commander and types at the top; their actions import the rest
// (database, Fastify, BullMQ, PGlite...) when they run. Keep it that way: `--help` must stay fast.
import { Command } from "commander";
import { registerDagCommands } from "./commands/dags.ts";
import { registerDbCommands } from "./commands/db.ts";
import { registerHealthCommand } from "./commands/health.ts";
import { registerSchedulerCommand } from "./commands/scheduler.ts";
import { registerStandaloneCommand } from "./commands/standalone.ts";
import { registerTaskCommands } from "./commands/tasks.ts";
import { registerUserCommands } from "./commands/users.ts";
import { registerWebserverCommand } from "./commands/webserver.ts";
import { registerWorkerCommand } from "./commands/worker.ts";
import { registerVariableCommands } from "./commands/variables.ts";
import { registerConnectionCommands } from "./commands/connections.ts";

export function buildProgram(): Command {
  const program = new Command("updraft")
    .description("Updraft: Airflow-style workflows in TypeScript, with a Celery-style worker cluster")
    .version("0.1.0")
    .showHelpAfterError("(add --help for usage)");
  registerDbCommands(program);
  registerUserCommands(program);
  registerDagCommands(program);
  registerTaskCommands(program);
  registerSchedulerCommand(program);
  registerStandaloneCommand(program);
  registerWebserverCommand(program);
  registerWorkerCommand(program);
  registerVariableCommands(program);
  registerConnectionCommands(program);
  registerHealthCommand(program);
  return program;
}
