// Airflow parity in one DAG: a Variable (JSON), a Connection whose password the task prints (it
// shows as *** in the log), a flaky task that succeeds on its retry, and typed params validated
// when the run is triggered. Set them up with:
//   pnpm updraft variables set report_settings '{"batch": 50}'
//   pnpm updraft connections add warehouse_db --conn-uri postgres://report:s3cret-pw@127.0.0.1:5432/postgres
// (or UPDRAFT_VAR_REPORT_SETTINGS / UPDRAFT_CONN_WAREHOUSE_DB in the environment, which `dags test` reads).
import { Connection, Variable, dag, param, task } from "@updraft/sdk";

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
    },
    defaultArgs: { retryDelay: "1s" },
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

    task({ taskId: "flaky_load", retries: 1, inputs: { target: connect } }, (ctx, { target }) => {
      if (ctx.tryNumber === 1) throw new Error("the warehouse was busy (first try fails on purpose)");
      ctx.log("loaded into %s", target.host);
      return "loaded";
    });
  },
);
