// Preloaded (NODE_OPTIONS="--import <this file>") into processes that cannot be given --cpu-prof
// (which NODE_OPTIONS refuses), such as the pool's task processes: with CPU_PROFILE_DIR set, the
// process profiles itself through the inspector and writes CPU.<pid>.cpuprofile there on exit.
// Plain JavaScript, so it preloads into compiled processes without a TS loader.
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector";

const dir = process.env.CPU_PROFILE_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post("Profiler.enable");
  session.post("Profiler.start");
  // The inspector answers synchronously on the main thread, so this works in an exit handler.
  process.on("exit", () =>
    session.post("Profiler.stop", (error, result) => {
      if (!error) writeFileSync(`${dir}/CPU.${process.pid}.cpuprofile`, JSON.stringify(result.profile));
    }),
  );
}
