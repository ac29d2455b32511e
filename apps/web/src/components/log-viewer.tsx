// A try's log. While the task runs it tails: every second it asks only for lines after the
// continuation token and appends them, so new lines appear without a reload and old ones are
// never fetched twice.
import { useEffect, useRef, useState } from "react";
import { api, path } from "../api/client.ts";
import type { LogChunk } from "../api/types.ts";

const TAIL_EVERY_MS = 1000;

export function LogViewer({ dagId, runId, taskId, tryNumber, live }: { dagId: string; runId: string; taskId: string; tryNumber: number; live: boolean }) {
  const [lines, setLines] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [follow, setFollow] = useState(true);
  const token = useRef<string | null>(null);
  const box = useRef<HTMLPreElement>(null);

  // A different try is a different log: start over.
  useEffect(() => {
    token.current = null;
    setLines([]);
    setError(null);
  }, [dagId, runId, taskId, tryNumber]);

  useEffect(() => {
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const url = path`/api/v1/dags/${dagId}/dagRuns/${runId}/taskInstances/${taskId}/logs/${tryNumber}`;
    const read = async () => {
      try {
        // Drain everything available now (a long log may come in several chunks).
        for (;;) {
          const chunk = await api<LogChunk>(token.current === null ? url : `${url}?token=${token.current}`);
          if (cancelled) return;
          const more = chunk.content !== "" && chunk.continuation_token !== token.current;
          token.current = chunk.continuation_token;
          if (!more) break;
          setLines((prev) => [...prev, ...chunk.content.split("\n")]);
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
  }, [dagId, runId, taskId, tryNumber, live]);

  useEffect(() => {
    if (follow && box.current) box.current.scrollTop = box.current.scrollHeight;
  }, [lines, follow]);

  return (
    <div className="log">
      <div className="log-toolbar">
        <span className="muted small">
          {lines.length} line{lines.length === 1 ? "" : "s"}
          {live && <span className="tailing"> · tailing</span>}
        </span>
        <label className="small">
          <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} /> follow
        </label>
      </div>
      {error && <div className="alert alert-error">{error}</div>}
      <pre className="log-box" ref={box} data-testid="log-content">
        {lines.length === 0 ? <span className="muted">{live ? "Waiting for output…" : "No log lines for this try."}</span> : lines.join("\n")}
      </pre>
    </div>
  );
}
