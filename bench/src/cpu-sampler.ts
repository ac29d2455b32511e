// Samples /proc while a benchmark scenario runs and turns the readings into a CPU account by role
// (see cpu-roles.ts). Task processes and Postgres backends come and go, so /proc is listed every
// `intervalMs`: new processes and those with a role are read, and each one's last reading kept
// (one that exits between two samples loses at most one interval of CPU). Processes already seen
// without a role are not read again, which keeps a sample near a millisecond; the cost shows in
// the bench's own column.
import os from "node:os";
import { attributeRoles, countedRoles, ticksByRole, ROLES, type CpuAccount, type CpuReading, type Role, type RoleRoots } from "./cpu-roles.ts";
import { listPids, readMachineTicks, readProcStats, ticksPerSecond, type MachineTicks } from "./proc-stat.ts";

/** Tells which database each Postgres backend pid serves (null: none); pids it does not know are left out. */
export type PostgresClassifier = (pids: readonly number[]) => Promise<Map<number, string | null>>;

export class CpuSampler {
  private readonly first = new Map<number, CpuReading>();
  private readonly last = new Map<number, CpuReading>();
  private readonly parents = new Map<number, number>();
  private readonly databases = new Map<number, string | null>();
  private machineStart: MachineTicks = { busy: 0, idle: 0 };
  private started = 0;
  private timer: NodeJS.Timeout | undefined;
  private classifying: Promise<void> = Promise.resolve();
  private asking = false;
  private readonly asked = new Map<number, number>();
  private relevant = new Set<number>();

  /**
   * @param roots - the processes roles are recognised from.
   * @param classifyPostgres - needed to split Postgres backends by database; without it every
   *   postmaster child but the background processes' is "postgresOther".
   * @param intervalMs - how often /proc is read. @defaultValue 150
   */
  constructor(
    private readonly roots: RoleRoots,
    private readonly classifyPostgres?: PostgresClassifier,
    private readonly intervalMs = 150,
  ) {}

  /** Takes the first reading of every process and starts sampling. */
  start(): void {
    this.started = performance.now();
    this.machineStart = readMachineTicks();
    for (const stat of readProcStats(listPids())) {
      this.first.set(stat.pid, stat);
      this.last.set(stat.pid, stat);
      this.parents.set(stat.pid, stat.ppid);
    }
    this.relevant = new Set(attributeRoles(this.parents, this.roots, this.databases).keys());
    this.classify();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
  }

  /** Takes a last reading, stops sampling and returns the account since `start()`. */
  async stop(): Promise<CpuAccount> {
    clearInterval(this.timer);
    this.sample();
    const wallSeconds = (performance.now() - this.started) / 1000;
    const machine = readMachineTicks();
    await this.classifying;
    this.classify(); // the children the last sample found
    await this.classifying;
    const hz = ticksPerSecond();
    const ticks = ticksByRole(this.first, this.last, attributeRoles(this.parents, this.roots, this.databases));
    return {
      wallSeconds,
      cores: os.cpus().length,
      counted: countedRoles(this.roots),
      seconds: Object.fromEntries(ROLES.map((r) => [r, ticks[r] / hz])) as Record<Role, number>,
      machineBusySeconds: (machine.busy - this.machineStart.busy) / hz,
      machineIdleSeconds: (machine.idle - this.machineStart.idle) / hz,
    };
  }

  private sample(): void {
    // A pid reused by a new process of a role, after an unrelated process had it, is missed: rare.
    const pids = listPids().filter((pid) => this.relevant.has(pid) || !this.parents.has(pid));
    let born = false;
    for (const stat of readProcStats(pids)) {
      born ||= !this.parents.has(stat.pid);
      this.last.set(stat.pid, stat);
      this.parents.set(stat.pid, stat.ppid);
    }
    if (born) this.relevant = new Set(attributeRoles(this.parents, this.roots, this.databases).keys());
    this.classify();
  }

  // Asks which database the postmaster's new children serve, one query at a time. A child that
  // pg_stat_activity still does not list after three asks (gone already, or a process it does
  // not show) stays unclassified: "postgresOther".
  private classify(): void {
    const { postmaster } = this.roots;
    if (postmaster === undefined || !this.classifyPostgres || this.asking) return;
    const unknown = [...this.parents].filter(([pid, ppid]) => ppid === postmaster && !this.databases.has(pid) && (this.asked.get(pid) ?? 0) < 3).map(([pid]) => pid);
    if (unknown.length === 0) return;
    this.asking = true;
    this.classifying = this.classifyPostgres(unknown)
      .then((found) => {
        for (const pid of unknown) {
          const asked = (this.asked.get(pid) ?? 0) + 1;
          this.asked.set(pid, asked);
          if (found.has(pid)) this.databases.set(pid, found.get(pid)!);
        }
      })
      .catch(() => undefined)
      .finally(() => (this.asking = false));
  }
}
