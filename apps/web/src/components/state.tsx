// State badges, dots and the legend: one look for states everywhere.
import type { CSSProperties } from "react";
import { stateColor, stateTextColor, TASK_STATES_IN_LEGEND } from "../lib/states.ts";

export function StateBadge({ state }: { state: string | null | undefined }) {
  const style: CSSProperties = { background: stateColor(state), color: stateTextColor(state) };
  return (
    <span className="badge" style={style} data-state={state ?? "none"}>
      {state ?? "no state"}
    </span>
  );
}

export function StateDot({ state, title, size = 12 }: { state: string | null | undefined; title?: string; size?: number }) {
  return (
    <span
      className="dot"
      title={title ?? state ?? "no state"}
      data-state={state ?? "none"}
      style={{ background: stateColor(state), width: size, height: size }}
    />
  );
}

export function StateLegend() {
  return (
    <div className="legend">
      {TASK_STATES_IN_LEGEND.map((s) => (
        <span key={s} className="legend-item">
          <StateDot state={s} size={10} /> {s}
        </span>
      ))}
    </div>
  );
}
