import { describe, expect, it } from "vitest";
import { accountTotals, attributeRoles, countedRoles, ticksByRole, type CpuAccount, type CpuReading, type Role } from "../src/cpu-roles.ts";

// A machine: the bench (100) started the scheduler (101) and two workers (102, 103); the
// scheduler forked a DAG parser (110), a worker a task process (120) that ran bash (121).
// Postgres (200) has backends for the database under test (201), another database (202), none
// (203, checkpointer) and one pg_stat_activity did not name (204). Redis is 300, 400 is unrelated.
const parents = new Map<number, number>([
  [1, 0], [50, 1], [100, 50], [101, 100], [110, 101], [102, 100], [103, 100], [120, 102], [121, 120], [130, 100],
  [200, 1], [201, 200], [202, 200], [203, 200], [204, 200], [300, 1], [400, 1],
]);
const roots = { scheduler: 101, workers: [102, 103], postmaster: 200, database: "bench_db", redis: 300, bench: 100 };
const databases = new Map<number, string | null>([[201, "bench_db"], [202, "someone_else"], [203, null]]);

describe("attributeRoles", () => {
  const roles = attributeRoles(parents, roots, databases);

  it("gives each process the role of its nearest root, a worker's descendants being tasks", () => {
    expect(Object.fromEntries([101, 110, 102, 103, 120, 121, 100, 130, 300].map((pid) => [pid, roles.get(pid)]))).toEqual({
      101: "scheduler", 110: "scheduler", 102: "workers", 103: "workers", 120: "tasks", 121: "tasks", 100: "bench", 130: "bench", 300: "redis",
    });
  });

  it("splits Postgres by database: ours and server processes are postgres, others and unnamed ones postgresOther", () => {
    expect([200, 201, 202, 203, 204].map((pid) => roles.get(pid))).toEqual(["postgres", "postgres", "postgresOther", "postgres", "postgresOther"]);
  });

  it("leaves processes under no root out", () => {
    expect([1, 50, 400].map((pid) => roles.get(pid))).toEqual([undefined, undefined, undefined]);
  });

  it("counts only the roles whose roots are given", () => {
    expect(attributeRoles(parents, { bench: 100, redis: 300 }, new Map()).get(120)).toBe("bench");
    expect(countedRoles({ bench: 100, redis: 300 })).toEqual(["redis", "bench"]);
    expect(countedRoles(roots)).toEqual(["scheduler", "workers", "tasks", "postgres", "postgresOther", "redis", "bench"]);
  });

  it("stops on a parent loop instead of hanging", () => {
    expect(attributeRoles(new Map([[7, 8], [8, 7]]), roots, new Map()).size).toBe(0);
  });
});

describe("ticksByRole", () => {
  const reading = (cpuTicks: number, startTicks = 1): CpuReading => ({ cpuTicks, startTicks });
  const roles = new Map<number, Role>([[1, "scheduler"], [2, "tasks"], [3, "tasks"], [4, "postgres"]]);

  it("counts from the first reading, from 0 for a pid born after it or reused, and ignores pids without a role", () => {
    const first = new Map([[1, reading(1000)], [3, reading(500, 10)], [9, reading(5)]]);
    const last = new Map([[1, reading(1250)], [2, reading(40)], [3, reading(30, 77)], [9, reading(999)]]);
    expect(ticksByRole(first, last, roles)).toEqual({ scheduler: 250, workers: 0, tasks: 70, postgres: 0, postgresOther: 0, redis: 0, bench: 0 });
  });
});

describe("accountTotals", () => {
  it("sums the own roles, budgets wall x cores and leaves other databases out of the rest", () => {
    const account: CpuAccount = {
      wallSeconds: 10,
      cores: 2,
      counted: [],
      seconds: { scheduler: 3, workers: 2, tasks: 1, postgres: 4, postgresOther: 1.5, redis: 0.5, bench: 0.5 },
      machineBusySeconds: 14,
      machineIdleSeconds: 6,
    };
    expect(accountTotals(account)).toEqual({ own: 11, budget: 20, rest: 1.5, idle: 6 });
  });
});
