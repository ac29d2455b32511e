// Preloaded (--import) into the benchmark's scheduler and worker processes: counts the SQL
// statements the process sends through node-postgres (pg_stat_statements is not available here)
// and writes the count and the process's CPU time to `${BENCH_STATS_DIR}/<pid>.json` every 250 ms.
// Plain JavaScript, so it preloads into the compiled `updraft` processes without a TS loader.
import { writeFileSync } from "node:fs";
import { rename, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";

const dir = process.env.BENCH_STATS_DIR;
if (dir) {
  // Resolve pg the way @updraft/db does, so the patched prototype is the one in use.
  const require = createRequire(new URL("../../packages/db/package.json", import.meta.url));
  const pg = require("pg");
  let statements = 0;
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (...args) {
    statements++;
    return query.apply(this, args);
  };
  const file = join(dir, `${process.pid}.json`);
  const stats = () => {
    const cpu = process.cpuUsage();
    return JSON.stringify({ statements, cpuSeconds: (cpu.user + cpu.system) / 1e6 });
  };
  // Written to a temporary file and renamed, so a reader never sees a half-written file; off the
  // event loop (a synchronous rename on a busy disk blocked the measured process for milliseconds).
  let writing = false;
  setInterval(() => {
    if (writing) return;
    writing = true;
    writeFile(`${file}.tmp`, stats())
      .then(() => rename(`${file}.tmp`, file))
      .catch(() => undefined)
      .finally(() => (writing = false));
  }, 250).unref();
  process.on("exit", () => writeFileSync(file, stats()));
}
