// The callback process: imports one DAG file, runs one DAG callback (or a lost try's task
// callback) with its context, streams its log lines and reports how it went, then exits. A fresh
// process per callback, so a callback that hangs or leaks is ended with it.
import { format } from "node:util";
import { errorMessage } from "@updraft/core";
import { importDagFile } from "@updraft/dag-loader";
import type { CallbackMessage, CallbackRequest } from "./callback-protocol.ts";

type AnyCallback = (ctx: unknown, error: Error | null) => unknown;
interface LoadedDag {
  dagId: string;
  params: Record<string, unknown>;
  callbacks: Record<string, AnyCallback | undefined>;
  task(taskId: string): { spec: { retries: number }; callbacks: Record<string, AnyCallback | undefined> };
}

function send(message: CallbackMessage): Promise<void> {
  return new Promise((resolve) => (process.connected ? process.send!(message, undefined, {}, () => resolve()) : resolve()));
}

async function run(request: CallbackRequest): Promise<CallbackMessage> {
  const dags = (await importDagFile(request.path, Date.now())) as unknown as LoadedDag[];
  const dag = dags.find((d) => d.dagId === request.dagId);
  if (!dag) return { type: "done", ran: false, error: `${request.path} no longer defines DAG "${request.dagId}"` };
  const log = (message: string, ...values: unknown[]) => void send({ type: "log", line: format(message, ...values) });
  const params = Object.freeze({ ...dag.params, ...request.conf });
  const base = { dagId: request.dagId, runId: request.runId, logicalDate: new Date(request.logicalDate), params, conf: Object.freeze({ ...request.conf }), log };
  let callback: AnyCallback | undefined;
  let ctx: unknown;
  if (request.taskId === undefined) {
    callback = dag.callbacks[request.which];
    ctx = { ...base, state: request.state, reason: request.reason };
  } else {
    const task = dag.task(request.taskId);
    callback = task.callbacks[request.which];
    ctx = {
      ...base,
      taskId: request.taskId,
      tryNumber: request.tryNumber ?? 1,
      maxTries: task.spec.retries + 1,
      dataIntervalStart: null,
      dataIntervalEnd: null,
      signal: AbortSignal.timeout(request.timeoutMs),
    };
  }
  if (!callback) return { type: "done", ran: false, error: null };
  let timer: NodeJS.Timeout | undefined;
  try {
    const finished = await Promise.race([
      Promise.resolve(callback(ctx, request.error === null ? null : new Error(request.error))).then(() => true),
      new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), request.timeoutMs))),
    ]);
    return { type: "done", ran: true, error: finished ? null : `did not finish within ${request.timeoutMs / 1000}s; given up` };
  } catch (error) {
    return { type: "done", ran: true, error: error instanceof Error && error.stack ? error.stack : errorMessage(error) };
  } finally {
    clearTimeout(timer);
  }
}

process.once("message", (request: CallbackRequest) => {
  void run(request)
    .catch((error: unknown): CallbackMessage => ({ type: "done", ran: false, error: `could not run the callback: ${errorMessage(error)}` }))
    .then(send)
    .finally(() => process.exit(0));
});
