// Prints the benchmark's CPU-by-role table and Postgres statement profiles: where each scenario's
// CPU went, per 1,000 task instances (or raw BullMQ jobs), beside the machine's budget.
import { accountTotals, type CpuAccount, type Role } from "./cpu-roles.ts";
import { HOW_TO_PROFILE_STATEMENTS, type StatementProfile } from "./pg-statements.ts";

/** One line of the table: a scenario (or baseline) and the account of its measured interval. */
export interface CpuLine {
  workers: number;
  scenario: string;
  /** Task instances (or jobs) the interval moved. */
  items: number;
  cpu: CpuAccount;
}

const COLUMNS: Array<[Role, string]> = [
  ["scheduler", "sched"],
  ["workers", "workers"],
  ["tasks", "tasks"],
  ["postgres", "postgres"],
  ["redis", "redis"],
  ["bench", "bench"],
];

const pad = (v: string | number, w: number) => String(v).padStart(w);

/** CPU seconds per 1,000 items of every role and total of a line, and the budget. */
export function per1000(line: CpuLine): Record<Role | "own" | "budget" | "rest" | "idle", number> {
  const k = 1000 / line.items;
  const totals = accountTotals(line.cpu);
  const roles = Object.fromEntries(Object.entries(line.cpu.seconds).map(([r, s]) => [r, s * k])) as Record<Role, number>;
  return { ...roles, own: totals.own * k, budget: totals.budget * k, rest: totals.rest * k, idle: totals.idle * k };
}

/**
 * Prints the CPU-by-role table. `targetPerSecond` adds the budget per 1,000 items at that rate,
 * the figure to compare each role's column with.
 */
export function printCpuTable(lines: readonly CpuLine[], targetPerSecond: number): void {
  const cores = lines[0]?.cpu.cores ?? 0;
  console.log(`\nCPU by role, CPU seconds per 1,000 TIs (jobs for raw BullMQ): utime+stime from /proc, sampled every 150 ms.`);
  console.log(`budget = wall x ${cores} cores; bench = this process (for raw BullMQ: its producer and worker); own = the roles`);
  console.log(`to its left; other DBs = backends of other databases on the same Postgres; rest = every other process on the`);
  console.log(`box; "-" = not measured. At ${targetPerSecond.toLocaleString("en")} TI/s the budget is ${((cores * 1000) / targetPerSecond).toFixed(2)}.`);
  console.log(`workers  scenario                    budget   sched workers   tasks postgres   redis   bench     own  own % other DBs    rest    idle`);
  for (const line of lines) {
    const v = per1000(line);
    const cell = (role: Role, w: number) => pad(line.cpu.counted.includes(role) ? v[role].toFixed(2) : "-", w);
    const roles = COLUMNS.map(([role, label]) => cell(role, Math.max(7, label.length))).join(" ");
    console.log(
      `${pad(line.workers, 7)}  ${line.scenario.padEnd(26)} ${pad(v.budget.toFixed(2), 7)} ${roles} ${pad(v.own.toFixed(2), 7)} ${pad(((100 * v.own) / v.budget).toFixed(0), 5)}% ${cell("postgresOther", 9)} ${pad(v.rest.toFixed(2), 7)} ${pad(v.idle.toFixed(2), 7)}`,
    );
  }
}

/** Prints what each idle cluster used, in CPU seconds per wall second by role (1.00 = one core). */
export function printIdleCpu(idle: ReadonlyArray<{ workers: number; cpu: CpuAccount }>): void {
  for (const { workers, cpu } of idle) {
    const perSecond = (role: Role) => (cpu.counted.includes(role) ? (cpu.seconds[role] / cpu.wallSeconds).toFixed(3) : "-");
    const roles = COLUMNS.map(([role, label]) => `${label} ${perSecond(role)}`).join(", ");
    console.log(`idle cluster, ${workers} worker(s), CPU s per second over ${cpu.wallSeconds.toFixed(1)} s: ${roles}; own ${(accountTotals(cpu).own / cpu.wallSeconds).toFixed(3)}`);
  }
}

/** Prints each scenario's statement profile, or the line saying how to get one. */
export function printStatementProfiles(profiles: ReadonlyArray<{ workers: number; scenario: string; items: number; profile: StatementProfile | undefined }>): void {
  if (profiles.every((p) => p.profile === undefined)) {
    console.log(`\n${HOW_TO_PROFILE_STATEMENTS}`);
    return;
  }
  for (const { workers, scenario, items, profile } of profiles) {
    if (!profile) continue;
    console.log(
      `\nPostgres statements, ${scenario}, ${workers} worker(s): ${profile.calls.toLocaleString("en")} calls (${(profile.calls / items).toFixed(2)}/TI), ${profile.totalMs.toFixed(0)} ms executing (${(profile.totalMs / items).toFixed(3)} ms/TI); top by total time:`,
    );
    console.log(`  total ms    calls   ms/call    ms/TI  statement`);
    for (const s of profile.top) {
      console.log(`  ${pad(s.totalMs.toFixed(0), 8)} ${pad(s.calls, 8)} ${pad((s.totalMs / Math.max(1, s.calls)).toFixed(3), 9)} ${pad((s.totalMs / items).toFixed(3), 8)}  ${s.query}`);
    }
  }
}
