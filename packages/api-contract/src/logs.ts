// A chunk of a try's log. The continuation token is the id of the last line returned; passing
// it back yields only newer lines, which is how a client tails a running task.

export interface LogResponse {
  content: string;
  /** Always a string, as Airflow's spec has it: "0" (from the start) before the first line. */
  continuation_token: string;
}

export function toLogResponse(lines: ReadonlyArray<{ id: number; line: string }>, previousToken: string | null = null): LogResponse {
  const last = lines.at(-1);
  return {
    content: lines.map((l) => l.line).join("\n"),
    continuation_token: last === undefined ? (previousToken ?? "0") : String(last.id),
  };
}
