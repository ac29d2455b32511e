// A pooled task process: imports DAG files on demand (re-importing a file only when it or a module
// it imports changed on disk) and runs one try at a time, streaming its log lines to the parent.
// Reused across tries, like a Celery prefork child, so a task pays no process start. DAG files are
// imported compiled (importCompiledDagFile), so this process registers no loader hook; a file not
// compiled yet is compiled by the parent.
import { importCompiledDagFile } from "@updraft/dag-loader";
import type { Dag } from "@updraft/sdk";
import { killRunningCommands, onCommandStarted } from "../run-bash.ts";
import { runTry } from "../run-try.ts";
import type { FromChild, ToChild, TryJob } from "./pool-protocol.ts";
import { forgetTry, killOlderTries, recordCommand } from "./try-registry.ts";
import { ParentCompiler } from "./parent-compiler.ts";
import { ParentSecretsLookup } from "./parent-secrets-lookup.ts";

/** The try this process runs now, if any. */
let current: TryJob | null = null;

function send(message: FromChild): void {
  // A parent that is stopping may have closed the channel already: the callback takes the EPIPE
  // instead of an unhandled 'error' event, and "disconnect" below ends this process.
  if (process.connected) process.send?.(message, undefined, {}, () => {});
}

async function dagFor(job: TryJob): Promise<Dag> {
  const dags = await importCompiledDagFile(job.path, { compile: compiler.compile });
  const dag = dags.find((d) => d.dagId === job.dagId);
  if (!dag) throw new Error(`${job.path} no longer defines DAG "${job.dagId}"`);
  return dag;
}

const secrets = new ParentSecretsLookup(send);
const compiler = new ParentCompiler(send);

process.on("message", async (message: ToChild) => {
  if (message.type === "lookup-result") return secrets.settle(message);
  if (message.type === "compile-result") return compiler.settle(message);
  if (message.type !== "run") return;
  const { job } = message;
  current = job;
  // An older try of this task instance still running on this machine was declared lost: end it.
  killOlderTries(job);
  try {
    const dag = await dagFor(job);
    send({ type: "imported" });
    const outcome = await runTry({
      dag,
      taskId: job.taskId,
      runId: job.runId,
      tryNumber: job.tryNumber,
      logicalDate: new Date(job.logicalDate),
      dataIntervalStart: job.dataIntervalStart ? new Date(job.dataIntervalStart) : null,
      dataIntervalEnd: job.dataIntervalEnd ? new Date(job.dataIntervalEnd) : null,
      conf: job.conf,
      inputs: job.inputs,
      // A try stuck past its executionTimeout is ended by the pool killing this process.
      stuck: "host-kills",
      secrets,
      sink: (line) => send({ type: "log", stream: line.stream, line: line.line, at: line.at.toISOString() }),
    });
    send({ type: "done", outcome });
  } catch (error) {
    send({ type: "done", outcome: { state: "failed", error: error instanceof Error ? (error.stack ?? error.message) : String(error), timedOut: false } });
  } finally {
    forgetTry(job);
    current = null;
  }
});

// The parent going away (stopped, crashed, SIGKILLed) must not leave orphaned task processes
// behind: the IPC channel closing is the parent-death signal Node offers (there is no
// PR_SET_PDEATHSIG). The running bash commands are killed with their whole process group.
// Reparenting is watched too, in case the channel's close is not noticed.
const parentPid = process.ppid;
function parentGone(): never {
  killRunningCommands();
  process.exit(0);
}
process.on("disconnect", parentGone);
onCommandStarted((pgid) => {
  if (current) recordCommand(current, pgid);
  send({ type: "group", pgid });
});
setInterval(() => {
  if (process.ppid !== parentPid) parentGone();
}, 1_000).unref();
send({ type: "ready" });
