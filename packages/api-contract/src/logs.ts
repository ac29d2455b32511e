// A chunk of a try's log. The continuation token is the id of the last line returned; passing
// it back yields only newer lines, which is how a client tails a running task.

export interface LogResponse {
  content: string;
  /** Always a string, as Airflow's spec has it: "0" (from the start) before the first line. */
  continuation_token: string;
  /** The same lines with when each was written and its stream, for timestamps and stderr colour. */
  lines: LogLineResponse[];
}

export interface LogLineResponse {
  /** ISO 8601, when the worker read the line from the task. */
  timestamp: string;
  /** stdout, stderr, or log (Updraft's own lines about the try). */
  stream: string;
  line: string;
}

export function toLogResponse(
  lines: ReadonlyArray<{ id: number; line: string; ts?: Date; stream?: string }>,
  previousToken: string | null = null,
): LogResponse {
  const last = lines.at(-1);
  return {
    content: lines.map((l) => l.line).join("\n"),
    continuation_token: last === undefined ? (previousToken ?? "0") : String(last.id),
    lines: lines.map((l) => ({ timestamp: (l.ts ?? new Date(0)).toISOString(), stream: l.stream ?? "stdout", line: l.line })),
  };
}
