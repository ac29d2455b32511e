// A try's log. While the task runs it tails: every second it asks only for lines after the
// continuation token and appends them, so new lines appear without a reload and old ones are
// never fetched twice. Each line shows when it was written (toggleable) and stderr in red;
// "Download" saves the whole log as text with those timestamps and streams.
import { useEffect, useRef, useState } from "react";
import { api, path } from "../api/client.ts";
import type { LogChunk, LogLine } from "../api/types.ts";

const TAIL_EVERY_MS = 1000;

/** Older servers send only `content`; its lines then have no time or stream. */
function linesOf(chunk: LogChunk): LogLine[] {
  return chunk.lines ?? chunk.content.split("\n").map((line) => ({ timestamp: "", stream: "stdout", line }));
}

/** "14:05:12.345": the time of day to the millisecond, in local time, so sensor pokes can be timed. */
export function formatLogTime(iso: string): string {
  if (!iso) return "";
  const d = new Date(iso);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, "0")}`;
}

/** The whole log of a try as text: "2026-11-30T14:05:12.345Z [stderr] line". */
export async function readWholeLog(url: string): Promise<string> {
  const out: string[] = [];
  let token: string | null = null;
  for (;;) {
    const chunk: LogChunk = await api<LogChunk>(token === null ? url : `${url}?token=${token}`);
    if (chunk.content === "" || chunk.continuation_token === token) break;
    token = chunk.continuation_token;
    for (const l of linesOf(chunk)) out.push(`${l.timestamp} [${l.stream}] ${l.line}`);
  }
  return out.join("\n") + "\n";
}

export function LogViewer({ dagId, runId, taskId, tryNumber, live }: { dagId: string; runId: string; taskId: string; tryNumber: number; live: boolean }) {
  const [lines, setLines] = useState<LogLine[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [follow, setFollow] = useState(true);
  const [timestamps, setTimestamps] = useState(true);
  const token = useRef<string | null>(null);
  const box = useRef<HTMLPreElement>(null);
  const url = path`/api/v1/dags/${dagId}/dagRuns/${runId}/taskInstances/${taskId}/logs/${tryNumber}`;

  // A different try is a different log: start over.
  useEffect(() => {
    token.current = null;
    setLines([]);
    setError(null);
  }, [dagId, runId, taskId, tryNumber]);

  useEffect(() => {
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const read = async () => {
      try {
        // Drain everything available now (a long log may come in several chunks).
        for (;;) {
          const chunk = await api<LogChunk>(token.current === null ? url : `${url}?token=${token.current}`);
          if (cancelled) return;
          const more = chunk.content !== "" && chunk.continuation_token !== token.current;
          token.current = chunk.continuation_token;
          if (!more) break;
          setLines((prev) => [...prev, ...linesOf(chunk)]);
        }
        setError(null);
      } catch (e) {
        if (!cancelled) setError(e instanceof Error ? e.message : String(e));
      }
      // After the task ends, one last read (above) picks up its final lines; then tailing stops.
      if (!cancelled && live) timer = setTimeout(() => void read(), TAIL_EVERY_MS);
    };
    void read();
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [url, live]);

  useEffect(() => {
    if (follow && box.current) box.current.scrollTop = box.current.scrollHeight;
  }, [lines, follow]);

  const download = async () => {
    try {
      const text = await readWholeLog(url);
      const a = document.createElement("a");
      a.href = URL.createObjectURL(new Blob([text], { type: "text/plain" }));
      a.download = `${dagId}__${runId}__${taskId}__try${tryNumber}.log`.replace(/[^\w.+-]/g, "_");
      a.click();
      URL.revokeObjectURL(a.href);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  return (
    <div className="log" id="log">
      <div className="log-toolbar">
        <span className="muted small">
          {lines.length} line{lines.length === 1 ? "" : "s"}
          {live && <span className="tailing"> · tailing</span>}
        </span>
        <span className="action-row">
          <label className="small check">
            <input type="checkbox" checked={timestamps} onChange={(e) => setTimestamps(e.target.checked)} data-testid="log-timestamps" /> timestamps
          </label>
          <label className="small check">
            <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} /> follow
          </label>
          <button type="button" className="btn btn-sm" onClick={() => void download()} data-testid="log-download">
            ⤓ Download
          </button>
        </span>
      </div>
      {error && <div className="alert alert-error">{error}</div>}
      <pre className="log-box" ref={box} data-testid="log-content">
        {lines.length === 0 ? (
          <span className="muted">{live ? "Waiting for output…" : "No log lines for this try."}</span>
        ) : (
          lines.map((l, i) => (
            <div key={i} className={`log-line ${l.stream}`} data-stream={l.stream}>
              {timestamps && l.timestamp && (
                <span className="log-ts" title={l.timestamp} data-testid="log-ts">
                  {formatLogTime(l.timestamp)}
                </span>
              )}
              {l.line}
              {"\n"}
            </div>
          ))
        )}
      </pre>
    </div>
  );
}
