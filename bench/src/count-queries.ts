// Preloaded (--import) into the benchmark's scheduler and worker processes: counts the SQL
// statements the process sends through node-postgres (pg_stat_statements is not available here)
// and writes the count and the process's CPU time to `${BENCH_STATS_DIR}/<pid>.json` every 250 ms.
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

const dir = process.env.BENCH_STATS_DIR;
if (dir) {
  // Resolve pg the way @updraft/db does, so the patched prototype is the one in use.
  const require = createRequire(new URL("../../packages/db/package.json", import.meta.url));
  const pg = require("pg") as { Client: { prototype: { query: (...args: unknown[]) => unknown } } };
  let statements = 0;
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: unknown, ...args: unknown[]) {
    statements++;
    return query.apply(this, args);
  };
  const write = () => {
    const cpu = process.cpuUsage();
    writeFileSync(join(dir, `${process.pid}.json`), JSON.stringify({ statements, cpuSeconds: (cpu.user + cpu.system) / 1e6 }));
  };
  setInterval(write, 250).unref();
  process.on("exit", write);
}
