// Messages between the local executor and its pooled task processes.
import type { JsonValue } from "@updraft/core";
import type { CompiledDag, DagCompileMessage } from "@updraft/dag-loader";
import type { LogStream, TryOutcome } from "../task-outcome.ts";

export interface TryJob {
  /** Absolute path of the DAG file. */
  path: string;
  dagId: string;
  taskId: string;
  runId: string;
  tryNumber: number;
  logicalDate: string;
  dataIntervalStart: string | null;
  dataIntervalEnd: string | null;
  conf: Record<string, JsonValue>;
  inputs: Record<string, unknown>;
}

/** What a task asks its parent for: Variable.get / Connection.get beyond the environment. */
export type SecretKind = "variable" | "connection";

export type ToChild =
  | { type: "run"; job: TryJob }
  | { type: "lookup-result"; id: number; value: unknown; error: string | null }
  /** The parent compiled a DAG file into the cache: where it is, or why it does not compile. */
  | { type: "compile-result"; id: number; compiled: CompiledDag | null; compileErrors: DagCompileMessage[] | null; error: string | null };

export type FromChild =
  | { type: "ready" }
  /** The try's DAG file is imported (or was already); its import timeout no longer applies. */
  | { type: "imported" }
  | { type: "lookup"; id: number; kind: SecretKind; key: string }
  /** A DAG file the compiled-DAG cache does not hold yet (compileDagFile's arguments). */
  | { type: "compile"; id: number; entry: string; sdkUrl: string; cacheDir: string }
  | { type: "log"; stream: LogStream; line: string; at: string }
  /** A bash command started in its own process group; the parent kills it with the try if needed. */
  | { type: "group"; pgid: number }
  | { type: "done"; outcome: TryOutcome };
