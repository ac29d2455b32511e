// Manual run ids are checked as Airflow 2.6+ does: a 400 naming the rule for a reserved
// scheduler prefix, a character outside the allowed pattern, or more than 250 characters; the
// scheduler's own run for that interval is therefore never shadowed.
import { describe, expect, it } from "vitest";
import { as, sampleDag, useApi } from "./support/api-fixture.ts";

describe("manual run ids", () => {
  const api = useApi([sampleDag("alpha")]);
  const trigger = (dag_run_id: string) =>
    api().server.inject({ method: "POST", url: "/api/v1/dags/alpha/dagRuns", headers: as.Op, payload: { dag_run_id } });

  it.each([
    ["scheduled__2026-01-01T00:00:00+00:00", /reserved for scheduled runs/],
    ["backfill__2026-01-01T00:00:00+00:00", /reserved for backfill runs/],
    ["dataset_triggered__x", /reserved for dataset_triggered runs/],
    ["asset_triggered__x", /reserved for asset_triggered runs/],
    ["has space", /must match/],
    ["slash/inside", /must match/],
    ["é", /must match/],
  ])("refuses %s with a 400 naming the rule", async (runId, rule) => {
    const res = await trigger(runId);
    expect(res.statusCode).toBe(400);
    expect(res.json().detail ?? res.json().title).toMatch(rule);
  });

  it("refuses a run id longer than 250 characters", async () => {
    const res = await trigger("a".repeat(251));
    expect(res.statusCode).toBe(400);
    expect(JSON.stringify(res.json())).toMatch(/250/);
  });

  it.each(["manual__2026-01-01T00:00:00+00:00", "my.run~1:a+b-c_d", "scheduled_but_not_reserved", "a".repeat(250)])("accepts %s", async (runId) => {
    const res = await trigger(runId);
    expect(res.statusCode).toBe(200);
    expect(res.json().dag_run_id).toBe(runId);
  });
});
