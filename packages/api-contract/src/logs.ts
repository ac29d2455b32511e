// A chunk of a try's log. The continuation token is the id of the last line returned; passing
// it back yields only newer lines, which is how a client tails a running task.

export interface LogResponse {
  content: string;
  continuation_token: string | null;
}

export function toLogResponse(lines: ReadonlyArray<{ id: number; line: string }>, previousToken: string | null = null): LogResponse {
  const last = lines.at(-1);
  return {
    content: lines.map((l) => l.line).join("\n"),
    continuation_token: last === undefined ? previousToken : String(last.id),
  };
}
