// Airflow parity in one DAG: a Variable (JSON), a Connection whose password the task prints (it
// shows as *** in the log), a flaky task that succeeds on its retry, typed params validated when
// the run is triggered, callbacks (task onRetry/onFailure/onSuccess from defaultArgs and per task,
// DAG onSuccess/onFailure), a dagrunTimeout (trigger with {"hold_seconds": 120} to see it fire)
// and a publish task that dependsOnPast (it waits for the previous run's publish). Set them up with:
//   pnpm updraft variables set report_settings '{"batch": 50}'
//   pnpm updraft connections add warehouse_db --conn-uri postgres://report:s3cret-pw@127.0.0.1:5432/postgres
// (or UPDRAFT_VAR_REPORT_SETTINGS / UPDRAFT_CONN_WAREHOUSE_DB in the environment, which `dags test` reads).
import { Connection, Variable, dag, param, task, type TaskCallback } from "@updraft/sdk";

// Callbacks log on the try's log (task callbacks) or the scheduler's log (DAG callbacks).
const onRetry: TaskCallback = (ctx, error) => ctx.log("onRetry: try %d of %s failed (%s); it will be retried", ctx.tryNumber, ctx.taskId, error?.message);
const onFailure: TaskCallback = (ctx, error) => ctx.log("onFailure: %s failed for good (%s)", ctx.taskId, error?.message);

export default dag(
  {
    dagId: "warehouse_report",
    description: "Variables, connections with a masked password, retries and typed params",
    schedule: null,
    tags: ["example", "parity"],
    params: {
      rows: param(3, { type: "integer", minimum: 1, maximum: 100, description: "Rows to report" }),
      mode: param("full", { enum: ["full", "delta"] }),
      day: param("2026-01-01", { type: "string", format: "date" }),
      hold_seconds: param(0, { type: "integer", minimum: 0, maximum: 3600, description: "Hold the load window open this long (120 makes the run time out)" }),
    },
    defaultArgs: { retryDelay: "1s", onRetry, onFailure },
    // As Airflow's dagrun_timeout: a run still going after 30 s fails; unfinished tasks are skipped.
    dagrunTimeout: "30s",
    onSuccess: (ctx) => ctx.log("onSuccess: run %s of %s succeeded", ctx.runId, ctx.dagId),
    onFailure: (ctx, error) => ctx.log("onFailure: run %s failed (%s): %s", ctx.runId, ctx.reason, error?.message),
  },
  () => {
    const settings = task({ taskId: "read_settings" }, async (ctx) => {
      const value = await Variable.get<{ batch: number }>("report_settings", { deserializeJson: true, default: { batch: 10 } });
      ctx.log("batch size %d for %d rows (%s, %s)", value.batch, ctx.params.rows, ctx.params.mode, ctx.params.day);
      return value;
    });

    const connect = task({ taskId: "connect", inputs: { settings } }, async (ctx, { settings }) => {
      const conn = await Connection.get("warehouse_db");
      // Printed on purpose: the secrets masker shows it as *** in this try's log.
      ctx.log("connecting to %s as %s with password %s", conn.host, conn.login, conn.password);
      return { host: conn.host, batch: settings.batch };
    });

    const window = task({ taskId: "load_window", inputs: { target: connect } }, async (ctx, { target }) => {
      const hold = Number(ctx.params.hold_seconds ?? 0);
      if (hold > 0) ctx.log("holding the load window on %s open for %ds", target.host, hold);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, hold * 1000);
        ctx.signal.addEventListener("abort", () => (clearTimeout(timer), resolve()), { once: true });
      });
      return target.host;
    });

    const load = task({ taskId: "flaky_load", retries: 1, inputs: { host: window } }, (ctx, { host }) => {
      if (ctx.tryNumber === 1) throw new Error("the warehouse was busy (first try fails on purpose)");
      ctx.log("loaded into %s", host);
      return "loaded";
    });

    // As Airflow's depends_on_past: waits until the previous run's publish succeeded (or was skipped).
    task(
      { taskId: "publish", dependsOnPast: true, inputs: { load }, onSuccess: (ctx) => ctx.log("onSuccess: report of %s published", ctx.runId) },
      (ctx, { load }) => {
        ctx.log("publishing after %s", load);
        return "published";
      },
    );
  },
);
