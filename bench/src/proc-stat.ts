// Linux /proc readers for the benchmark's CPU account: one process's CPU ticks and parent from
// /proc/<pid>/stat, every process at once, and the machine's busy and idle ticks from /proc/stat.
// The parsers are pure (text in, numbers out) so they are tested without a /proc.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

/** What the CPU account needs from one /proc/<pid>/stat line. Times are in clock ticks. */
export interface ProcStat {
  pid: number;
  /** The executable name, up to 15 characters; may hold spaces and parentheses. */
  comm: string;
  ppid: number;
  /** User plus system CPU of the process itself (children not included), in clock ticks. */
  cpuTicks: number;
  /** Start time in clock ticks after boot: tells a reused pid from the process first seen. */
  startTicks: number;
}

/**
 * Parses one /proc/<pid>/stat line (see proc(5)). The comm field sits in parentheses and may
 * itself hold spaces and parentheses, so the fields after it are found from the LAST ")".
 * @throws Error when the line does not have the shape proc(5) describes.
 */
export function parseProcStat(line: string): ProcStat {
  const open = line.indexOf("(");
  const close = line.lastIndexOf(")");
  if (open < 0 || close < open) throw new Error(`not a /proc/<pid>/stat line: ${line.slice(0, 80)}`);
  const pid = Number(line.slice(0, open).trim());
  // Fields 3 (state) onwards; proc(5) numbers them from 1, so field n is rest[n - 3].
  const rest = line.slice(close + 1).trim().split(/\s+/);
  const field = (n: number) => Number(rest[n - 3]);
  const stat = { pid, comm: line.slice(open + 1, close), ppid: field(4), cpuTicks: field(14) + field(15), startTicks: field(22) };
  if (![stat.pid, stat.ppid, stat.cpuTicks, stat.startTicks].every(Number.isFinite)) throw new Error(`not a /proc/<pid>/stat line: ${line.slice(0, 80)}`);
  return stat;
}

/** The machine's CPU time since boot, all cores summed, in clock ticks. */
export interface MachineTicks {
  /** user + nice + system + irq + softirq + steal (guest time is already inside user). */
  busy: number;
  /** idle + iowait. */
  idle: number;
}

/**
 * Parses the aggregate "cpu " line of /proc/stat (see proc(5)).
 * @throws Error when the text has no aggregate cpu line.
 */
export function parseMachineTicks(procStat: string): MachineTicks {
  const line = procStat.split("\n").find((l) => l.startsWith("cpu "));
  if (!line) throw new Error("no aggregate cpu line in /proc/stat");
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = line.trim().split(/\s+/).slice(1).map(Number);
  return { busy: user + nice + system + irq + softirq + steal, idle: idle + iowait };
}

/** /proc/<pid>/stat of one process, or undefined when it is gone (or /proc is not Linux's). */
export function readProcStat(pid: number): ProcStat | undefined {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return undefined;
  }
}

/** The pids of every process visible in /proc now. */
export function listPids(): number[] {
  return readdirSync("/proc")
    .filter((name) => name.charCodeAt(0) >= 48 && name.charCodeAt(0) <= 57)
    .map(Number);
}

/** /proc/<pid>/stat of the listed processes; those that exited meanwhile are skipped. */
export function readProcStats(pids: Iterable<number>): ProcStat[] {
  const stats: ProcStat[] = [];
  for (const pid of pids) {
    const stat = readProcStat(pid);
    if (stat) stats.push(stat);
  }
  return stats;
}

/** The machine's busy and idle ticks now. */
export function readMachineTicks(): MachineTicks {
  return parseMachineTicks(readFileSync("/proc/stat", "utf8"));
}

let clockTicks: number | undefined;

/** Clock ticks per second (`getconf CLK_TCK`; 100 on Linux when getconf is missing). */
export function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}
