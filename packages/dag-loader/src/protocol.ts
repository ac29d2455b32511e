// Messages between the DAG-parsing parent and its child process.
import type { SerializedDag } from "@updraft/core";

export interface ParseRequest {
  dagsFolder: string;
  files: string[];
  /** DAG id -> hash of the definitions the parent already holds: such a DAG is reported by id and hash only. */
  known?: Record<string, string>;
}

/** A parsed DAG whose id and hash match one the parent holds (ParseRequest.known): not sent again. */
export interface KnownDag {
  known: true;
  dagId: string;
  hash: string;
}

export type ParseMessage =
  | { type: "start"; file: string }
  /** Each DAG with its content hash (hashSerializedDag), computed here rather than in the parent. */
  | { type: "parsed"; file: string; dags: Array<{ serialized: SerializedDag; hash: string } | KnownDag> }
  | { type: "failed"; file: string; message: string }
  /** Every file was handled; the child exits now, whatever timers the files left running. */
  | { type: "done" };
