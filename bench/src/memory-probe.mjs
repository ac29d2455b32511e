// Preloaded (--import) into a process whose memory the benchmark breaks down: samples
// process.memoryUsage() and V8's heap spaces every 50 ms, keeps the sample taken at the highest
// RSS, and writes it to `${BENCH_MEMORY_DIR}/<pid>.json` at exit (MiB). Plain JavaScript, so it
// preloads into the compiled `updraft` processes without a TS loader. For investigating:
//   BENCH_TIMELINE=1          a line "T <pid> <ms> <rss> <heapTotal> <heapUsed> <external>" a second on stderr
//   BENCH_SNAPSHOT_MIB=<n>    one heap snapshot when RSS first passes n MiB, to BENCH_SNAPSHOT_DIR
//   BENCH_ALLOC_PROFILE=1     V8's sampling heap profile of every allocation (garbage included),
//                             written on SIGTERM to BENCH_SNAPSHOT_DIR/<pid>.heapprofile
import { writeFileSync } from "node:fs";
import { getHeapSpaceStatistics, writeHeapSnapshot } from "node:v8";
import { join } from "node:path";

const dir = process.env.BENCH_MEMORY_DIR;
if (dir) {
  const mib = (bytes) => Math.round((bytes / 2 ** 20) * 10) / 10;
  let peak = { rss: 0 };
  let snapped = false;
  let ticks = 0;
  const sample = () => {
    const m = process.memoryUsage();
    if (process.env.BENCH_TIMELINE && ++ticks % 20 === 0) process.stderr.write(`T ${process.pid} ${Date.now()} ${mib(m.rss)} ${mib(m.heapTotal)} ${mib(m.heapUsed)} ${mib(m.external)}\n`);
    const snapAt = Number(process.env.BENCH_SNAPSHOT_MIB ?? 0);
    if (snapAt && !snapped && m.rss > snapAt * 2 ** 20) {
      snapped = true;
      writeHeapSnapshot(join(process.env.BENCH_SNAPSHOT_DIR ?? dir, `${process.pid}-${mib(m.rss)}.heapsnapshot`));
    }
    if (m.rss <= peak.rss) return;
    const spaces = Object.fromEntries(getHeapSpaceStatistics().map((s) => [s.space_name, { size: mib(s.space_size), used: mib(s.space_used_size) }]));
    peak = { rss: m.rss, at: Date.now(), memory: Object.fromEntries(Object.entries(m).map(([k, v]) => [k, mib(v)])), spaces };
  };
  setInterval(sample, 50).unref();
  if (process.env.BENCH_ALLOC_PROFILE) {
    const { Session } = await import("node:inspector");
    const session = new Session();
    session.connect();
    session.post("HeapProfiler.startSampling", { samplingInterval: 32768, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
    process.on("SIGTERM", () => {
      session.post("HeapProfiler.stopSampling", (err, res) => {
        if (!err) writeFileSync(join(process.env.BENCH_SNAPSHOT_DIR ?? dir, `${process.pid}.heapprofile`), JSON.stringify(res.profile));
      });
    });
  }
  process.on("exit", () => {
    sample();
    writeFileSync(join(dir, `${process.pid}.json`), JSON.stringify({ pid: process.pid, argv: process.argv.slice(1), peak }));
  });
}
