import { describe, expect, it } from "vitest";
import { planBackfillRuns, planScheduledRuns } from "../src/index.ts";

const d = (iso: string) => new Date(iso);
const iso = (runs: ReturnType<typeof planScheduledRuns>) => runs.map((r) => `${r.dataIntervalStart.toISOString().slice(0, 13)}..${r.dataIntervalEnd.toISOString().slice(0, 13)}`);

describe("planScheduledRuns", () => {
  const base = { schedule: "@daily", startDate: d("2026-01-01T00:00:00Z"), limit: 100 };

  it("creates nothing before the first interval has ended", () => {
    expect(planScheduledRuns({ ...base, catchup: true, lastLogicalDate: null, now: d("2026-01-01T23:59:00Z") })).toEqual([]);
  });

  it("with catchup, creates every complete interval since startDate, logical date = interval start", () => {
    const runs = planScheduledRuns({ ...base, catchup: true, lastLogicalDate: null, now: d("2026-01-04T01:00:00Z") });
    expect(iso(runs)).toEqual(["2026-01-01T00..2026-01-02T00", "2026-01-02T00..2026-01-03T00", "2026-01-03T00..2026-01-04T00"]);
    expect(runs[0]!.logicalDate).toEqual(d("2026-01-01T00:00:00Z"));
  });

  it("continues after the last run and respects the limit", () => {
    const runs = planScheduledRuns({ ...base, catchup: true, lastLogicalDate: d("2026-01-02T00:00:00Z"), now: d("2026-01-10T00:00:00Z"), limit: 2 });
    expect(iso(runs)).toEqual(["2026-01-03T00..2026-01-04T00", "2026-01-04T00..2026-01-05T00"]);
  });

  it("without catchup, creates only the latest complete interval", () => {
    const runs = planScheduledRuns({ ...base, catchup: false, lastLogicalDate: null, now: d("2026-01-04T01:00:00Z") });
    expect(iso(runs)).toEqual(["2026-01-03T00..2026-01-04T00"]);
    expect(planScheduledRuns({ ...base, catchup: false, lastLogicalDate: d("2026-01-03T00:00:00Z"), now: d("2026-01-04T01:00:00Z") })).toEqual([]);
  });

  it("aligns a startDate between fire times to the next fire time", () => {
    const runs = planScheduledRuns({ schedule: "0 * * * *", startDate: d("2026-01-01T00:30:00Z"), catchup: true, lastLogicalDate: null, now: d("2026-01-01T03:00:00Z"), limit: 10 });
    expect(iso(runs)).toEqual(["2026-01-01T01..2026-01-01T02", "2026-01-01T02..2026-01-01T03"]);
  });
});

describe("planBackfillRuns", () => {
  it("makes one run per logical date in [start, end]", () => {
    const runs = planBackfillRuns("@daily", d("2026-02-01T00:00:00Z"), d("2026-02-03T00:00:00Z"));
    expect(runs.map((r) => r.logicalDate.toISOString().slice(0, 10))).toEqual(["2026-02-01", "2026-02-02", "2026-02-03"]);
  });
});

describe("@once", () => {
  const once = { schedule: "@once", startDate: d("2026-01-01T06:00:00Z"), lastLogicalDate: null, limit: 50 };
  it("gives exactly one run at the start date, with or without catchup", () => {
    for (const catchup of [true, false]) {
      const runs = planScheduledRuns({ ...once, catchup, now: d("2026-03-01T00:00:00Z") });
      expect(runs).toEqual([{ logicalDate: d("2026-01-01T06:00:00Z"), dataIntervalStart: d("2026-01-01T06:00:00Z"), dataIntervalEnd: d("2026-01-01T06:00:00Z") }]);
    }
  });
  it("waits for the start date", () => {
    expect(planScheduledRuns({ ...once, catchup: true, now: d("2026-01-01T05:59:59Z") })).toEqual([]);
  });
  it("never gives a second run", () => {
    expect(planScheduledRuns({ ...once, catchup: true, lastLogicalDate: d("2026-01-01T06:00:00Z"), now: d("2027-01-01T00:00:00Z") })).toEqual([]);
  });
  it("refuses a backfill with a clear error", () => {
    expect(() => planBackfillRuns("@once", d("2026-01-01T00:00:00Z"), d("2026-01-02T00:00:00Z"))).toThrow(/@once.*no intervals/);
  });
});
