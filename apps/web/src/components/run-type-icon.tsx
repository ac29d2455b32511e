// The run type marker under each grid column (and in its legend).
export function RunTypeIcon({ type, size = 9 }: { type: string; size?: number }) {
  const fill = type === "backfill" ? "#7c5cc4" : type === "scheduled" ? "#2f6fdf" : "#1f2430";
  return (
    <svg width={size} height={size} viewBox="0 0 10 10" className="run-type-icon" data-run-type={type} aria-label={`${type} run`} role="img">
      {type === "manual" && <path d="M1 0.5 L9.5 5 L1 9.5 Z" fill={fill} />}
      {type === "scheduled" && <circle cx="5" cy="5" r="4.3" fill={fill} />}
      {type === "backfill" && <rect x="1" y="1" width="8" height="8" fill={fill} />}
    </svg>
  );
}

export function RunTypeLegend() {
  return (
    <div className="legend">
      {["manual", "scheduled", "backfill"].map((t) => (
        <span key={t} className="legend-item">
          <RunTypeIcon type={t} /> {t} run
        </span>
      ))}
    </div>
  );
}
