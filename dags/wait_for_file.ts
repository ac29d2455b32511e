// A sensor pokes until a condition holds (here: a marker file exists), then passes what it found on.
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dag, sensor, task } from "@updraft/sdk";

export default dag({ dagId: "wait_for_file", tags: ["example"] }, () => {
  const prepare = task({ taskId: "prepare" }, () => {
    const path = join(mkdtempSync(join(tmpdir(), "updraft-sensor-")), "ready.marker");
    setTimeout(() => writeFileSync(path, "ok"), 1_500).unref();
    return path;
  });
  const ready = sensor(
    { taskId: "wait_for_marker", inputs: { path: prepare }, pokeInterval: "500ms", timeout: "30s" },
    (ctx, { path }) => {
      ctx.log(`looking for ${path}`);
      return existsSync(path) && path;
    },
  );
  task({ taskId: "use_file", inputs: { path: ready } }, (ctx, { path }) => ctx.log(`found ${path}`));
});
