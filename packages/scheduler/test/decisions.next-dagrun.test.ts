import { describe, expect, it } from "vitest";
import { nextDagrun } from "../src/decisions/next-dagrun.ts";

const now = new Date("2026-01-10T12:30:00Z");

describe("nextDagrun", () => {
  it("is null for a DAG without a schedule", () => {
    expect(nextDagrun({ schedule: null, startDate: "2026-01-01T00:00:00Z", catchup: false, lastLogicalDate: null, now })).toBeNull();
  });

  it("follows the latest scheduled run: the next interval, created once it ends", () => {
    const next = nextDagrun({ schedule: "@daily", startDate: "2026-01-01T00:00:00Z", catchup: false, lastLogicalDate: new Date("2026-01-09T00:00:00Z"), now });
    expect(next).toEqual({
      logicalDate: new Date("2026-01-10T00:00:00Z"),
      dataIntervalStart: new Date("2026-01-10T00:00:00Z"),
      dataIntervalEnd: new Date("2026-01-11T00:00:00Z"),
    });
  });

  it("without catchup and without runs, is the latest complete interval; with catchup, the first one", () => {
    const noCatchup = nextDagrun({ schedule: "@daily", startDate: "2026-01-01T00:00:00Z", catchup: false, lastLogicalDate: null, now });
    expect(noCatchup?.logicalDate).toEqual(new Date("2026-01-09T00:00:00Z"));
    const catchup = nextDagrun({ schedule: "@daily", startDate: "2026-01-01T00:00:00Z", catchup: true, lastLogicalDate: null, now });
    expect(catchup?.logicalDate).toEqual(new Date("2026-01-01T00:00:00Z"));
  });

  it("for @once is the start date until its one run exists, then none (Airflow's OnceTimetable)", () => {
    const start = new Date("2026-01-05T06:00:00Z");
    for (const catchup of [false, true]) {
      expect(nextDagrun({ schedule: "@once", startDate: start.toISOString(), catchup, lastLogicalDate: null, now })).toEqual({
        logicalDate: start,
        dataIntervalStart: start,
        dataIntervalEnd: start,
      });
      expect(nextDagrun({ schedule: "@once", startDate: start.toISOString(), catchup, lastLogicalDate: start, now })).toBeNull();
    }
  });
});
