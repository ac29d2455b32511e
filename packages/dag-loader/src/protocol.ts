// Messages between the DAG-parsing parent and its child process.
import type { SerializedDag } from "@updraft/core";

export interface ParseRequest {
  dagsFolder: string;
  files: string[];
}

export type ParseMessage =
  | { type: "start"; file: string }
  | { type: "parsed"; file: string; dags: SerializedDag[] }
  | { type: "failed"; file: string; message: string }
  /** Every file was handled; the child exits now, whatever timers the files left running. */
  | { type: "done" };
