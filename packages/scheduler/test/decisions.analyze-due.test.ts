// analyzeDue: when the scheduler refreshes task_instances' planner statistics itself.
import { describe, expect, it } from "vitest";
import { ANALYZE_MIN_INTERVAL_MS, ANALYZE_MIN_ROWS, analyzeDue } from "../src/decisions/analyze-due.ts";

describe("analyzeDue", () => {
  it("waits for 1,000 changed task instances, however small the table", () => {
    expect(analyzeDue({ changedSinceAnalyze: ANALYZE_MIN_ROWS - 1, tableRows: 0, msSinceAnalyze: null })).toBe(false);
    expect(analyzeDue({ changedSinceAnalyze: ANALYZE_MIN_ROWS, tableRows: 0, msSinceAnalyze: null })).toBe(true);
  });

  it("on a large table, waits for 10% of it", () => {
    expect(analyzeDue({ changedSinceAnalyze: 99_999, tableRows: 1_000_000, msSinceAnalyze: null })).toBe(false);
    expect(analyzeDue({ changedSinceAnalyze: 100_000, tableRows: 1_000_000, msSinceAnalyze: null })).toBe(true);
  });

  it("runs at most once per interval", () => {
    expect(analyzeDue({ changedSinceAnalyze: 5_000, tableRows: 0, msSinceAnalyze: ANALYZE_MIN_INTERVAL_MS - 1 })).toBe(false);
    expect(analyzeDue({ changedSinceAnalyze: 5_000, tableRows: 0, msSinceAnalyze: ANALYZE_MIN_INTERVAL_MS })).toBe(true);
  });

  it("refreshes after as many created task instances whatever the time since the last", () => {
    expect(analyzeDue({ changedSinceAnalyze: 5_000, insertedSinceAnalyze: 999, tableRows: 0, msSinceAnalyze: 1 })).toBe(false);
    expect(analyzeDue({ changedSinceAnalyze: 5_000, insertedSinceAnalyze: 1_000, tableRows: 0, msSinceAnalyze: 1 })).toBe(true);
    expect(analyzeDue({ changedSinceAnalyze: 100_000, insertedSinceAnalyze: 99_999, tableRows: 1_000_000, msSinceAnalyze: 1 })).toBe(false);
  });

  it("treats a never-analyzed table (reltuples -1) as empty", () => {
    expect(analyzeDue({ changedSinceAnalyze: ANALYZE_MIN_ROWS, tableRows: -1, msSinceAnalyze: null })).toBe(true);
  });
});
