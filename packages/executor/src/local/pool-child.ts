// A pooled task process: imports DAG files on demand (re-importing a file only when it changed on
// disk) and runs one try at a time, streaming its log lines to the parent. Reused across tries,
// like a Celery prefork child, so a task pays no process start.
import { stat } from "node:fs/promises";
import { importDagFile } from "@updraft/dag-loader";
import type { Dag } from "@updraft/sdk";
import { runTry } from "../run-try.ts";
import type { FromChild, ToChild, TryJob } from "./pool-protocol.ts";
import { ParentSecretsLookup } from "./parent-secrets-lookup.ts";

const loaded = new Map<string, { mtimeMs: number; dags: Dag[] }>();

function send(message: FromChild): void {
  process.send?.(message);
}

async function dagFor(job: TryJob): Promise<Dag> {
  const { mtimeMs } = await stat(job.path);
  let entry = loaded.get(job.path);
  if (!entry || entry.mtimeMs !== mtimeMs) {
    entry = { mtimeMs, dags: await importDagFile(job.path, mtimeMs) };
    loaded.set(job.path, entry);
  }
  const dag = entry.dags.find((d) => d.dagId === job.dagId);
  if (!dag) throw new Error(`${job.path} no longer defines DAG "${job.dagId}"`);
  return dag;
}

const secrets = new ParentSecretsLookup(send);

process.on("message", async (message: ToChild) => {
  if (message.type === "lookup-result") return secrets.settle(message);
  if (message.type !== "run") return;
  const { job } = message;
  try {
    const outcome = await runTry({
      dag: await dagFor(job),
      taskId: job.taskId,
      runId: job.runId,
      tryNumber: job.tryNumber,
      logicalDate: new Date(job.logicalDate),
      dataIntervalStart: job.dataIntervalStart ? new Date(job.dataIntervalStart) : null,
      dataIntervalEnd: job.dataIntervalEnd ? new Date(job.dataIntervalEnd) : null,
      conf: job.conf,
      inputs: job.inputs,
      secrets,
      sink: (line) => send({ type: "log", stream: line.stream, line: line.line, at: line.at.toISOString() }),
    });
    send({ type: "done", outcome });
  } catch (error) {
    send({ type: "done", outcome: { state: "failed", error: error instanceof Error ? (error.stack ?? error.message) : String(error), timedOut: false } });
  }
});

// The parent going away must not leave orphaned task processes behind.
process.on("disconnect", () => process.exit(0));
send({ type: "ready" });
