// Preloaded (--import) into a process whose memory the benchmark breaks down: samples
// process.memoryUsage() and V8's heap spaces every 50 ms, keeps the sample taken at the highest
// RSS, and writes it to `${BENCH_MEMORY_DIR}/<pid>.json` at exit (MiB). Plain JavaScript, so it
// preloads into the compiled `updraft` processes without a TS loader.
import { writeFileSync } from "node:fs";
import { getHeapSpaceStatistics } from "node:v8";
import { join } from "node:path";

const dir = process.env.BENCH_MEMORY_DIR;
if (dir) {
  const mib = (bytes) => Math.round((bytes / 2 ** 20) * 10) / 10;
  let peak = { rss: 0 };
  const sample = () => {
    const m = process.memoryUsage();
    if (m.rss <= peak.rss) return;
    const spaces = Object.fromEntries(getHeapSpaceStatistics().map((s) => [s.space_name, { size: mib(s.space_size), used: mib(s.space_used_size) }]));
    peak = { rss: m.rss, at: Date.now(), memory: Object.fromEntries(Object.entries(m).map(([k, v]) => [k, mib(v)])), spaces };
  };
  setInterval(sample, 50).unref();
  process.on("exit", () => {
    sample();
    writeFileSync(join(dir, `${process.pid}.json`), JSON.stringify({ pid: process.pid, argv: process.argv.slice(1), peak }));
  });
}
