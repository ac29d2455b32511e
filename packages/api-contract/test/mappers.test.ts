import { describe, expect, it } from "vitest";
import { toDagResponse, toImportErrorResponse } from "../src/index.ts";

describe("response mappers", () => {
  it("maps a DAG record to Airflow's fields, filling limits from the defaults", () => {
    const response = toDagResponse(
      {
        dagId: "d",
        fileloc: "d.ts",
        isPaused: false,
        isActive: true,
        description: null,
        schedule: "@daily",
        tags: ["a"],
        lastParsedAt: new Date("2026-01-01T00:00:00Z"),
        serialized: { dagId: "d", fileloc: "d.ts", description: null, schedule: "@daily", startDate: null, catchup: false, maxActiveRuns: 1, maxActiveTasks: null, tags: ["a"], params: {}, tasks: [] },
      },
      { maxActiveRunsPerDag: 16, maxActiveTasksPerDag: 16 },
    );
    expect(response).toMatchObject({ dag_id: "d", schedule_interval: { __type: "CronExpression", value: "@daily" }, file_token: "ZC50cw", tags: [{ name: "a" }], max_active_runs: 1, max_active_tasks: 16, last_parsed_time: "2026-01-01T00:00:00.000Z" });
  });
  it("maps an import error", () => {
    expect(toImportErrorResponse({ id: 3, filename: "x.ts", stackTrace: "boom", timestamp: new Date(0) })).toEqual({
      import_error_id: 3,
      filename: "x.ts",
      stack_trace: "boom",
      timestamp: "1970-01-01T00:00:00.000Z",
    });
  });
});
