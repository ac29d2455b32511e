import { describe, expect, it } from "vitest";
import { parseMachineTicks, parseProcStat, readProcStat } from "../src/proc-stat.ts";

// Fields after comm: state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt
// utime stime cutime cstime priority nice threads itrealvalue starttime vsize rss …
const tail = (ppid: number, utime: number, stime: number, start: number) =>
  `S ${ppid} 7 7 0 -1 4194560 1200 0 3 0 ${utime} ${stime} 500 600 20 0 11 0 ${start} 1000000 2500 18446744073709551615`;

describe("parseProcStat", () => {
  it("reads pid, comm, ppid, utime+stime (children excluded) and start time", () => {
    expect(parseProcStat(`4242 (node) ${tail(17, 150, 25, 98765)}\n`)).toEqual({ pid: 4242, comm: "node", ppid: 17, cpuTicks: 175, startTicks: 98765 });
  });

  it("finds the fields after a comm holding spaces and parentheses", () => {
    const stat = parseProcStat(`99 (my (odd) ) S 1) ${tail(3, 10, 5, 42)}`);
    expect(stat).toEqual({ pid: 99, comm: "my (odd) ) S 1", ppid: 3, cpuTicks: 15, startTicks: 42 });
  });

  it("rejects text that is not a stat line", () => {
    expect(() => parseProcStat("no parentheses here")).toThrow(/not a \/proc/);
    expect(() => parseProcStat("12 (x) S")).toThrow(/not a \/proc/);
  });

  it("reads this process from the real /proc", () => {
    const self = readProcStat(process.pid);
    expect(self?.pid).toBe(process.pid);
    expect(self?.ppid).toBe(process.ppid);
    expect(readProcStat(-1)).toBeUndefined();
  });
});

describe("parseMachineTicks", () => {
  it("sums busy (user nice system irq softirq steal) and idle (idle iowait) from the aggregate line", () => {
    const text = "cpu  100 5 40 1000 20 3 2 1 7 0\ncpu0 50 2 20 500 10 1 1 0 3 0\nintr 1\n";
    expect(parseMachineTicks(text)).toEqual({ busy: 100 + 5 + 40 + 3 + 2 + 1, idle: 1020 });
  });

  it("rejects text without the aggregate line", () => {
    expect(() => parseMachineTicks("cpu0 1 2 3 4\n")).toThrow(/no aggregate cpu line/);
  });
});
