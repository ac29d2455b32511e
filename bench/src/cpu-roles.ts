// Which role each process on the machine plays in a benchmark (scheduler, worker, task process,
// Postgres backend, Redis, the bench itself) and the CPU each role used between two samples.
// Pure functions over plain data: cpu-sampler.ts feeds them what it read from /proc.

/** The roles of the CPU account. */
export const ROLES = ["scheduler", "workers", "tasks", "postgres", "postgresOther", "redis", "bench"] as const;
export type Role = (typeof ROLES)[number];

/** The roles that are the system under test; postgresOther is other databases on a shared server. */
export const OWN_ROLES: readonly Role[] = ["scheduler", "workers", "tasks", "postgres", "redis", "bench"];

/** The processes a role is recognised from; a role whose root is absent is simply not counted. */
export interface RoleRoots {
  /** The scheduler; its descendants (DAG-parsing children) count as scheduler too. */
  scheduler?: number | undefined;
  /** Worker processes; their descendants are the task processes. */
  workers?: readonly number[] | undefined;
  /** The postmaster: it and its children are Postgres, split by database (see `postgresDatabases`). */
  postmaster?: number | undefined;
  /** The name of the database under test. */
  database?: string | undefined;
  /** The redis-server process. */
  redis?: number | undefined;
  /** The benchmark process; descendants not under another root count as bench. */
  bench?: number | undefined;
}

/**
 * Attributes every known process to a role, or leaves it out (the rest of the machine).
 * A process takes the role of its nearest root, itself included; a worker's descendants are
 * "tasks". A postmaster child is "postgres" when `postgresDatabases` says it serves the database
 * under test or no database (checkpointer, WAL writer, autovacuum launcher…), and "postgresOther"
 * when it serves another database or is not classified yet.
 * @param parents - pid -> parent pid, for every process seen.
 * @param postgresDatabases - postmaster child pid -> its database (null for none), from pg_stat_activity.
 */
export function attributeRoles(parents: ReadonlyMap<number, number>, roots: RoleRoots, postgresDatabases: ReadonlyMap<number, string | null>): Map<number, Role> {
  const workers = new Set(roots.workers ?? []);
  const roleOf = (pid: number): Role | undefined => {
    let child: number | undefined;
    // Bounded walk: a pid reused while we read could in theory make a loop.
    for (let at: number | undefined = pid, steps = 0; at !== undefined && at > 0 && steps < 64; steps++) {
      if (at === roots.scheduler) return "scheduler";
      if (workers.has(at)) return at === pid ? "workers" : "tasks";
      if (at === roots.redis) return "redis";
      if (at === roots.postmaster) {
        if (at === pid) return "postgres";
        // Postgres forks every backend straight from the postmaster: `child` is the backend.
        const database = postgresDatabases.get(child!);
        return database === null || (database !== undefined && database === roots.database) ? "postgres" : "postgresOther";
      }
      if (at === roots.bench) return "bench";
      child = at;
      at = parents.get(at);
    }
    return undefined;
  };
  const roles = new Map<number, Role>();
  for (const pid of parents.keys()) {
    const role = roleOf(pid);
    if (role) roles.set(pid, role);
  }
  return roles;
}

/** The roles `roots` lets the account recognise. */
export function countedRoles(roots: RoleRoots): Role[] {
  const has: Record<Role, boolean> = {
    scheduler: roots.scheduler !== undefined,
    workers: (roots.workers?.length ?? 0) > 0,
    tasks: (roots.workers?.length ?? 0) > 0,
    postgres: roots.postmaster !== undefined,
    postgresOther: roots.postmaster !== undefined,
    redis: roots.redis !== undefined,
    bench: roots.bench !== undefined,
  };
  return ROLES.filter((r) => has[r]);
}

/** A process's CPU reading: ticks used so far and its start time (to tell a reused pid). */
export interface CpuReading {
  cpuTicks: number;
  startTicks: number;
}

/**
 * CPU ticks each role used between `first` and `last`. A pid absent from `first` was born
 * after it and counts from 0, as does a pid whose start time changed (reused). A pid absent from
 * `last` contributes nothing; the sampler keeps the last reading of a process that exited.
 */
export function ticksByRole(first: ReadonlyMap<number, CpuReading>, last: ReadonlyMap<number, CpuReading>, roles: ReadonlyMap<number, Role>): Record<Role, number> {
  const ticks = Object.fromEntries(ROLES.map((r) => [r, 0])) as Record<Role, number>;
  for (const [pid, reading] of last) {
    const role = roles.get(pid);
    if (!role) continue;
    const before = first.get(pid);
    const from = before && before.startTicks === reading.startTicks ? before.cpuTicks : 0;
    ticks[role] += Math.max(0, reading.cpuTicks - from);
  }
  return ticks;
}

/** The CPU account of one measured interval, in CPU seconds. */
export interface CpuAccount {
  wallSeconds: number;
  cores: number;
  /** The roles whose processes were found; the others read 0 because they were not looked for. */
  counted: Role[];
  /** CPU seconds per role (utime + stime of its processes). */
  seconds: Record<Role, number>;
  /** The whole machine's busy and idle CPU seconds over the interval (/proc/stat). */
  machineBusySeconds: number;
  machineIdleSeconds: number;
}

/**
 * Derived totals, in CPU seconds: `own` (the system under test), `budget` (wall x cores), `rest`
 * (busy CPU of every other process: other agents, other databases' backends excluded as they have
 * their column) and `idle`. own + postgresOther + rest + idle is the budget, give or take what a
 * process used between its last sample and its exit.
 */
export function accountTotals(account: CpuAccount): { own: number; budget: number; rest: number; idle: number } {
  const own = OWN_ROLES.reduce((sum, r) => sum + account.seconds[r], 0);
  return {
    own,
    budget: account.wallSeconds * account.cores,
    rest: Math.max(0, account.machineBusySeconds - own - account.seconds.postgresOther),
    idle: account.machineIdleSeconds,
  };
}
