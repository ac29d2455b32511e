// The dashboard's pure view logic, without a browser: Gantt rows, the dagre layout and the
// trigger form's conf.
import { describe, expect, it } from "vitest";
import type { RunTry } from "../src/api/types.ts";
import { ganttLayout } from "../src/lib/gantt-layout.ts";
import { layoutGraph, nodeWidth } from "../src/lib/graph-layout.ts";
import { confFromFields, paramFields, paramKind, paramNamedIn } from "../src/lib/param-fields.ts";
import { matchesClientRoute } from "../../../packages/api/src/web/client-routes.ts";
import { CLIENT_ROUTES } from "../src/client-routes.ts";
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

describe("nodeWidth", () => {
  it("fits the second line, so a short task id in upstream_failed is not clipped", () => {
    // "extract" alone would get the 110 px minimum; "python · upstream_failed" needs more.
    expect(nodeWidth("extract")).toBe(110);
    expect(nodeWidth("extract", "python · upstream_failed")).toBeGreaterThanOrEqual("python · upstream_failed".length * 6.6 + 40);
    const layout = layoutGraph([{ id: "extract", label: "extract", sublabel: "python · upstream_failed" }], []);
    expect(layout.nodes[0]!.width).toBe(nodeWidth("extract", "python · upstream_failed"));
  });
});

describe("trigger form fields", () => {
  const params = { rows: 3, mode: "full", day: "2026-01-01", verbose: false, tags: ["a"], limit: 5 };
  const schemas = {
    rows: { type: "integer", minimum: 1, maximum: 100 },
    mode: { enum: ["full", "delta"] },
    day: { type: "string", format: "date" },
    needed: { type: "number" },
  };

  it("renders each param by its schema's type, else by its default's type", () => {
    const kinds = Object.fromEntries(paramFields(params, schemas).map((f) => [f.name, f.kind]));
    expect(kinds.rows).toEqual({ kind: "number", integer: true });
    expect(kinds.mode).toEqual({ kind: "enum", options: ["full", "delta"] });
    expect(kinds.day).toEqual({ kind: "string", format: "date" });
    expect(kinds.verbose).toEqual({ kind: "boolean" });
    expect(kinds.tags).toEqual({ kind: "json" });
    expect(kinds.limit).toEqual({ kind: "number", integer: false });
    // A typed param without a default still gets a field.
    expect(kinds.needed).toEqual({ kind: "number", integer: false });
    expect(paramKind({ type: ["string", "null"] }, null)).toEqual({ kind: "string", format: undefined });
  });

  it("parses the conf back by kind; the defaults stand for untouched fields", () => {
    const fields = paramFields(params, schemas);
    expect(confFromFields(fields, {})).toEqual({ rows: 3, mode: "full", day: "2026-01-01", verbose: false, tags: ["a"], limit: 5 });
    expect(confFromFields(fields, { rows: "250", mode: "1", verbose: true, needed: "2.5", tags: "" })).toEqual({
      rows: 250,
      mode: "delta",
      day: "2026-01-01",
      verbose: true,
      limit: 5,
      needed: 2.5,
    });
    expect(() => confFromFields(fields, { tags: "[oops" })).toThrow(/param "tags" must be JSON/);
    expect(() => confFromFields(fields, { rows: "many" })).toThrow(/param "rows" must be a number/);
  });

  it("finds the param an API error names", () => {
    expect(paramNamedIn('param "rows" of DAG "warehouse_report" must be <= 100 (got 250)')).toBe("rows");
    expect(paramNamedIn("conf must be an object")).toBeUndefined();
  });
});

describe("client routes", () => {
  it("match the app's pages and nothing else (the webserver answers others with 404)", () => {
    const match = (path: string) => matchesClientRoute(CLIENT_ROUTES, path);
    for (const ok of ["/", "/dags", "/dags/etl", "/dags/etl/graph", "/dags/etl/runs/manual__2026-01-01T00%3A00%3A00%2B00%3A00/tasks/load", "/workers/local%40vm%3A12", "/variables", "/connections"]) {
      expect(match(ok), ok).toBe(true);
    }
    for (const bad of ["/nope", "/dags/etl/grid", "/dags/etl/runs", "/dagsx", "/workers/a/b"]) expect(match(bad), bad).toBe(false);
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
