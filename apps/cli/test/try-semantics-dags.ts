// Small DAGs for issue 10's items 3-7, shared by the executor matrix test (scheduler with the local
// executor on Postgres and PGlite, and with the distributed one) and the `dags test` test, so every
// executor runs the very same files. Side effects the tests read go to files in `markers`.

const SDK = `import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { chain, dag, sensor, skip, task } from "@updraft/sdk";`;

/** The first @once DAG's start date: its single scheduled run has this logical date. */
export const ONCE_START = "2024-01-01T00:00:00.000Z";

/** Value the `rich` task returns and `echo` hands back; JSON carries it unchanged. */
export const RICH_VALUE = {
  n: 1.5,
  big: 2 ** 53 - 1,
  neg: -3,
  text: "é ✓ 😀 \"quoted\" \\ back",
  list: [1, null, "x", { deep: [true, false] }],
  empty: {},
  none: null,
};

/**
 * The DAG files, by file name. `markers` is a folder the tasks write to (`<name>` files):
 * - timeouts: `spin` loops synchronously for 8 s past its 1 s executionTimeout (pid in spin.pid;
 *   it writes spin.finished if it ever ends its loop); `spin_short` loops 1.5 s, ending after its
 *   timeout but before the kill; `deaf` ignores ctx.signal (pid per try in
 *   deaf.<try>.pid) and its try 2 records whether try 1's process was still alive (deaf.overlap).
 * - sensors: `final` (timeout 2 s, retries 2) pokes until its deadline (a line per poke in
 *   final.pokes); `soft` skips at its timeout; `flaky_poke` throws on try 1 and holds on try 2.
 * - one_done: `fail` fails, `after_fail` is upstream_failed, `skipper` is skipped; `od_uf_sk`
 *   (one_done over upstream_failed + skipped) is skipped; `od_f_sk` (failed + skipped) runs.
 * - xcom_fidelity: `lossy` returns a Date, NaN and a Set; `nan`; `nul` (a NUL character, which
 *   neither Postgres nor PGlite can store); `lone` (a lone surrogate); `rich` passes RICH_VALUE to
 *   `echo`.
 * - once_only: schedule "@once" from ONCE_START.
 */
export function semanticsDags(markers: string): Record<string, string> {
  const m = (name: string) => `${JSON.stringify(markers)} + "/" + ${name}`;
  return {
    "timeouts.ts": `${SDK}
export default dag({ dagId: "timeouts" }, () => {
  task({ taskId: "spin", executionTimeout: "1s" }, () => {
    writeFileSync(${m('"spin.pid"')}, String(process.pid));
    const until = Date.now() + 8_000;
    while (Date.now() < until) { /* synchronous: no await, no signal check */ }
    writeFileSync(${m('"spin.finished"')}, "the spin was not stopped");
    return "done";
  });
  task({ taskId: "spin_short", executionTimeout: "1s" }, () => {
    const until = Date.now() + 1_500;
    while (Date.now() < until) { /* ends within the kill grace, but after the timeout */ }
    return "done";
  });
  task({ taskId: "deaf", executionTimeout: "1s", retries: 1, retryDelay: 0 }, (ctx) => {
    writeFileSync(${m('"deaf." + ctx.tryNumber + ".pid"')}, String(process.pid));
    if (ctx.tryNumber === 2) {
      const before = Number(readFileSync(${m('"deaf.1.pid"')}, "utf8"));
      let alive = true;
      try { process.kill(before, 0); } catch { alive = false; }
      writeFileSync(${m('"deaf.overlap"')}, alive ? "try 1 still alive" : "try 1 gone");
    }
    return new Promise(() => { setInterval(() => ctx.log("tick of try %d", ctx.tryNumber), 100); });
  });
});`,
    "sensors.ts": `${SDK}
export default dag({ dagId: "sensors" }, () => {
  sensor({ taskId: "final", pokeInterval: "0.6s", timeout: "2s", retries: 2, retryDelay: 0 }, () => {
    appendFileSync(${m('"final.pokes"')}, Date.now() + "\\n");
    return false;
  });
  sensor({ taskId: "soft", pokeInterval: "0.3s", timeout: "1s", softFail: true, retries: 2, retryDelay: 0 }, () => false);
  sensor({ taskId: "flaky_poke", pokeInterval: "0.1s", timeout: "30s", retries: 1, retryDelay: 0 }, (ctx) => {
    if (ctx.tryNumber === 1) throw new Error("cannot reach the service");
    return { ok: true };
  });
});`,
    "one_done.ts": `${SDK}
export default dag({ dagId: "one_done" }, () => {
  const fail = task({ taskId: "fail" }, () => { throw new Error("fails on purpose"); });
  const afterFail = task({ taskId: "after_fail" }, () => 1);
  const skipper = task({ taskId: "skipper" }, () => skip("nothing to do"));
  chain(fail, afterFail);
  chain([afterFail, skipper], task({ taskId: "od_uf_sk", triggerRule: "one_done" }, () => "ran"));
  chain([fail, skipper], task({ taskId: "od_f_sk", triggerRule: "one_done" }, () => "ran"));
});`,
    "xcom_fidelity.ts": `${SDK}
export default dag({ dagId: "xcom_fidelity" }, () => {
  task({ taskId: "lossy" }, () => ({ when: new Date(), ratio: NaN, tags: new Set(["a"]) }));
  task({ taskId: "nan" }, () => ({ ratio: NaN }));
  task({ taskId: "nul" }, () => ({ text: "a\\u0000b" }));
  task({ taskId: "lone" }, () => ["ok", "\\ud800"]);
  const rich = task({ taskId: "rich" }, () => (${JSON.stringify(RICH_VALUE)}));
  task({ taskId: "echo", inputs: { value: rich } }, (_ctx, { value }) => value);
});`,
    "once_only.ts": `${SDK}
export default dag({ dagId: "once_only", schedule: "@once", startDate: ${JSON.stringify(ONCE_START)} }, () => {
  task({ taskId: "only" }, () => 1);
});`,
  };
}
