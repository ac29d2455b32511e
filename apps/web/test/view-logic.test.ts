// The dashboard's pure view logic, without a browser: Gantt rows, the dagre layout and the
// trigger form's conf.
import { describe, expect, it } from "vitest";
import type { RunTry } from "../src/api/types.ts";
import { ganttLayout } from "../src/lib/gantt-layout.ts";
import { layoutGraph } from "../src/lib/graph-layout.ts";
import { formatDuration } from "../src/lib/format.ts";

const t = (task_id: string, try_number: number, start: number | null, end: number | null, state: RunTry["state"] = "success"): RunTry => ({
  task_id,
  try_number,
  state,
  start_date: start === null ? null : new Date(start).toISOString(),
  end_date: end === null ? null : new Date(end).toISOString(),
  duration: null,
  hostname: null,
  worker_name: null,
});

describe("ganttLayout", () => {
  it("orders bars by start, extends running bars to now, and spans the domain", () => {
    const { bars, domain } = ganttLayout([t("b", 1, 2_000, 5_000), t("a", 1, 1_000, 2_000), t("c", 2, 3_000, null, "running"), t("d", 0, null, null, null)], 9_000);
    expect(bars.map((b) => b.key)).toEqual(["a#1", "b#1", "c#2"]);
    expect(bars[2]).toMatchObject({ running: true, end: 9_000 });
    expect(domain).toEqual([1_000, 9_000]);
  });

  it("widens an empty or instant domain so the scale is never degenerate", () => {
    expect(ganttLayout([], 5_000).domain).toEqual([4_000, 5_000]);
    expect(ganttLayout([t("a", 1, 1_000, 1_000)], 5_000).domain).toEqual([1_000, 1_100]);
    // A short run keeps its own span: the axis of a 0.4 s run covers 0.4 s.
    expect(ganttLayout([t("a", 1, 1_000, 1_400)], 5_000).domain).toEqual([1_000, 1_400]);
  });
});

describe("layoutGraph", () => {
  it("lays parallel_tasks out left to right with task2 and task3 in one rank", () => {
    const nodes = ["task1", "task2", "task3", "task4"].map((id) => ({ id, label: id }));
    const edges = [
      { source: "task1", target: "task2" },
      { source: "task1", target: "task3" },
      { source: "task2", target: "task4" },
      { source: "task3", target: "task4" },
    ];
    const layout = layoutGraph(nodes, edges);
    const at = Object.fromEntries(layout.nodes.map((n) => [n.id, n]));
    expect(at.task1!.x).toBeLessThan(at.task2!.x);
    expect(at.task2!.x).toBe(at.task3!.x);
    expect(at.task2!.y).not.toBe(at.task3!.y);
    expect(at.task4!.x).toBeGreaterThan(at.task2!.x);
    expect(layout.edges.every((e) => e.points.length >= 2)).toBe(true);
    expect(layout.width).toBeGreaterThan(0);
  });
});

describe("formatDuration", () => {
  it("reads naturally from milliseconds to hours", () => {
    expect(formatDuration(0.25)).toBe("250 ms");
    expect(formatDuration(2)).toBe("2.0 s");
    expect(formatDuration(95)).toBe("1m 35s");
    expect(formatDuration(7_260)).toBe("2h 1m");
    expect(formatDuration(null)).toBe("—");
  });
});
