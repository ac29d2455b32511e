// The Gantt chart of a run: a row per task try, a bar from start to end on a time axis (d3-scale
// for the scale and its ticks), so tasks that ran in parallel show side by side.
import { scaleTime } from "d3-scale";
import { useEffect, useRef, useState } from "react";
import { useNavigate } from "react-router";
import { path } from "../api/client.ts";
import type { RunTry } from "../api/types.ts";
import { formatDuration, formatTime } from "../lib/format.ts";
import { ganttLayout } from "../lib/gantt-layout.ts";
import { stateColor } from "../lib/states.ts";

const LABEL_WIDTH = 190;
const ROW_HEIGHT = 26;
const AXIS_HEIGHT = 28;

function useWidth<T extends HTMLElement>(): [React.RefObject<T | null>, number] {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(800);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const observer = new ResizeObserver(([entry]) => entry && setWidth(Math.max(360, entry.contentRect.width)));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  return [ref, width];
}

/** Re-renders every second while something runs, so running bars grow. */
function useNow(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const id = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(id);
  }, [active]);
  return now;
}

export function GanttChart({ dagId, runId, tries }: { dagId: string; runId: string; tries: RunTry[] }) {
  const navigate = useNavigate();
  const [ref, width] = useWidth<HTMLDivElement>();
  const anyRunning = tries.some((t) => t.start_date !== null && t.end_date === null);
  const now = useNow(anyRunning);
  const { bars, domain } = ganttLayout(tries, anyRunning ? now : Date.now());
  const chartWidth = width - LABEL_WIDTH - 16;
  const x = scaleTime().domain(domain).range([0, chartWidth]);
  const ticks = x.ticks(Math.max(2, Math.floor(chartWidth / 110)));
  // Whole seconds as a wall-clock time; ticks inside a second as ".500" so short runs stay readable.
  const tickFormat = (t: Date) => (t.getMilliseconds() === 0 ? formatTime(t.toISOString()) : `.${String(t.getMilliseconds()).padStart(3, "0")}`);
  const height = AXIS_HEIGHT + bars.length * ROW_HEIGHT + 6;

  if (bars.length === 0) return <div className="empty">No task has started yet.</div>;
  return (
    <div ref={ref} className="gantt-wrap">
      <svg width={width} height={height} className="gantt" data-testid="gantt-chart">
        <g transform={`translate(${LABEL_WIDTH},0)`}>
          {ticks.map((t) => (
            <g key={t.getTime()} transform={`translate(${x(t)},0)`}>
              <line y1={AXIS_HEIGHT - 6} y2={height} stroke="#e6e9ef" />
              <text y={AXIS_HEIGHT - 10} textAnchor="middle" fontSize={11} fill="#6b7385">
                {tickFormat(t)}
              </text>
            </g>
          ))}
        </g>
        {bars.map((b, i) => {
          const y = AXIS_HEIGHT + i * ROW_HEIGHT;
          const barX = LABEL_WIDTH + x(b.start);
          const barW = Math.max(3, x(b.end) - x(b.start));
          return (
            <g key={b.key} className="gantt-row" onClick={() => void navigate(path`/dags/${dagId}/runs/${runId}/tasks/${b.taskId}`)}>
              {i % 2 === 0 && <rect x={0} y={y} width={width} height={ROW_HEIGHT} fill="#f8f9fc" />}
              <text x={8} y={y + ROW_HEIGHT / 2 + 4} fontSize={12} fill="#1f2430">
                {b.taskId}
                {b.tryNumber > 1 ? ` (try ${b.tryNumber})` : ""}
              </text>
              <rect
                x={barX}
                y={y + 5}
                width={barW}
                height={ROW_HEIGHT - 10}
                rx={4}
                fill={stateColor(b.state)}
                className={b.running ? "gantt-bar running" : "gantt-bar"}
                data-testid={`gantt-bar-${b.taskId}-${b.tryNumber}`}
                data-state={b.state ?? "none"}
              >
                <title>{`${b.taskId} try ${b.tryNumber}: ${b.state ?? "no state"}\n${formatTime(new Date(b.start).toISOString())} → ${b.running ? "running" : formatTime(new Date(b.end).toISOString())} (${formatDuration((b.end - b.start) / 1000)})${b.host ? `\non ${b.host}` : ""}`}</title>
              </rect>
              {barW > 60 && (
                <text x={barX + 6} y={y + ROW_HEIGHT / 2 + 4} fontSize={11} fill={b.state === "success" || b.state === "failed" ? "#fff" : "#1f2430"} pointerEvents="none">
                  {formatDuration((b.end - b.start) / 1000)}
                </text>
              )}
            </g>
          );
        })}
      </svg>
    </div>
  );
}
