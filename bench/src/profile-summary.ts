// Summarises V8 CPU profiles (`node --cpu-prof`) of the benchmark's processes: self time by
// package or module, and the heaviest functions, so a note can quote where the time goes.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** "bullmq", "pg", "@updraft/db", "node:internal/…", or "(idle)"/"(garbage collector)"/"(program)". */
function owner(frame: ProfileNode["callFrame"]): string {
  if (!frame.url) return frame.functionName.startsWith("(") ? frame.functionName : "(native)";
  const pnpm = /node_modules\/\.pnpm\/(@?[^@/]+(?:\+[^@/]+)?)@/.exec(frame.url);
  if (pnpm) return pnpm[1]!.replace("+", "/");
  const ours = /\/(packages|apps)\/([^/]+)\//.exec(frame.url);
  if (ours) return `@updraft/${ours[2]}`;
  return frame.url.startsWith("node:") ? frame.url.split("/").slice(0, 3).join("/") : frame.url;
}

/** Self milliseconds by owner and by function (top `limit` each), for one profile file. */
export function summariseProfile(file: string, limit = 12): { totalMs: number; byOwner: Array<[string, number]>; byFunction: Array<[string, number]> } {
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const byOwner = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const us = selfUs.get(node.id) ?? 0;
    if (us === 0) continue;
    total += us;
    const who = owner(node.callFrame);
    byOwner.set(who, (byOwner.get(who) ?? 0) + us);
    const where = `${node.callFrame.functionName || "(anonymous)"} ${who}${node.callFrame.url ? `:${node.callFrame.lineNumber + 1}` : ""}`;
    byFunction.set(where, (byFunction.get(where) ?? 0) + us);
  }
  const top = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, limit).map(([k, us]) => [k, us / 1000] as [string, number]);
  return { totalMs: total / 1000, byOwner: top(byOwner), byFunction: top(byFunction) };
}

/** Prints the summary of every profile in `dir`, labelled by `roles` (pid -> "scheduler", "worker w0"…). */
export function printProfiles(dir: string, roles: ReadonlyMap<number, string>): void {
  for (const name of readdirSync(dir).filter((f) => f.endsWith(".cpuprofile")).sort()) {
    const pid = Number(name.split(".")[3]);
    const summary = summariseProfile(join(dir, name));
    const pct = (ms: number) => `${((100 * ms) / summary.totalMs).toFixed(1).padStart(5)}%`;
    console.log(`\nCPU profile of ${roles.get(pid) ?? `pid ${pid}`} (${(summary.totalMs / 1000).toFixed(1)} s sampled, idle included): ${join(dir, name)}`);
    console.log("  self time by package:");
    for (const [who, ms] of summary.byOwner) console.log(`    ${pct(ms)} ${ms.toFixed(0).padStart(7)} ms  ${who}`);
    console.log("  heaviest functions (self):");
    for (const [fn, ms] of summary.byFunction) console.log(`    ${pct(ms)} ${ms.toFixed(0).padStart(7)} ms  ${fn}`);
  }
}
