// DAG file compiles of a pooled task process: on a miss of the compiled-DAG cache the child asks
// its parent (local executor or worker) to compile, so esbuild (its module and its Go service)
// never loads in a task process, and the pool's children share one compile of a file.
import { DagCompileError, type CompiledDag } from "@updraft/dag-loader";
import { PendingRequests } from "./pending-requests.ts";
import type { FromChild, ToChild } from "./pool-protocol.ts";

type Result = Extract<ToChild, { type: "compile-result" }>;

export class ParentCompiler {
  private readonly requests = new PendingRequests<CompiledDag>();

  constructor(private readonly send: (message: FromChild) => void) {}

  /** importCompiledDagFile's `compile`: the parent's compileDagFile. */
  readonly compile = (entry: string, sdkUrl: string, cacheDir: string): Promise<CompiledDag> =>
    this.requests.ask((id) => this.send({ type: "compile", id, entry, sdkUrl, cacheDir }));

  /** Hands the parent's answer to the waiting import. */
  settle(message: Result): void {
    const error = message.compileErrors ? new DagCompileError(message.compileErrors) : new Error(message.error ?? "the DAG file could not be compiled");
    this.requests.settle(message.id, message.compiled ? { value: message.compiled } : { error });
  }
}
