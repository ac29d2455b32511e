// Messages between the DAG-parsing parent and its child process.
import type { SerializedDag } from "@updraft/core";

export interface ParseRequest {
  dagsFolder: string;
  files: string[];
}

export type ParseMessage =
  | { type: "start"; file: string }
  /** Each DAG with its content hash (hashSerializedDag), computed here rather than in the parent. */
  | { type: "parsed"; file: string; dags: Array<{ serialized: SerializedDag; hash: string }> }
  | { type: "failed"; file: string; message: string }
  /** Every file was handled; the child exits now, whatever timers the files left running. */
  | { type: "done" };
