// What one try of a task ends as, and the log lines it writes on the way.
import type { JsonValue } from "@updraft/core";

export type LogStream = "stdout" | "stderr" | "log";

export interface LogLine {
  stream: LogStream;
  line: string;
  at: Date;
}

export type LogSink = (line: LogLine) => void;

export type TryOutcome =
  | { state: "success"; result: JsonValue }
  | { state: "skipped"; reason: string }
  | {
      state: "failed";
      error: string;
      timedOut: boolean;
      /** The failure is final: no retry (a sensor that reached its timeout, as Airflow ≥ 2.2). */
      final?: boolean;
    };
