// DAG file compiles of a pooled task process: on a miss of the compiled-DAG cache the child asks
// its parent (local executor or worker) to compile, so esbuild (its module and its Go service)
// never loads in a task process, and the pool's children share one compile of a file.
import { DagCompileError, type CompiledDag } from "@updraft/dag-loader";
import type { FromChild, ToChild } from "./pool-protocol.ts";

type Result = Extract<ToChild, { type: "compile-result" }>;

export class ParentCompiler {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: CompiledDag) => void; reject: (error: Error) => void }>();

  constructor(private readonly send: (message: FromChild) => void) {}

  /** importCompiledDagFile's `compile`: the parent's compileDagFile. */
  readonly compile = (entry: string, sdkUrl: string, cacheDir: string): Promise<CompiledDag> => {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.send({ type: "compile", id, entry, sdkUrl, cacheDir });
    });
  };

  /** Hands the parent's answer to the waiting import. */
  settle(message: Result): void {
    const waiter = this.pending.get(message.id);
    if (!waiter) return;
    this.pending.delete(message.id);
    if (message.compiled) waiter.resolve(message.compiled);
    else if (message.compileErrors) waiter.reject(new DagCompileError(message.compileErrors));
    else waiter.reject(new Error(message.error ?? "the DAG file could not be compiled"));
  }
}
