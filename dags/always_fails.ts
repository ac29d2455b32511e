// A task that always fails, retried twice a second apart. `report` never runs (upstream_failed),
// so the run fails; `cleanup` runs anyway because its trigger rule is all_done.
import { bash, chain, dag } from "@updraft/sdk";

export default dag({ dagId: "always_fails", tags: ["example"] }, () => {
  const flaky = bash({ taskId: "flaky", command: "echo trying; exit 3", retries: 2, retryDelay: 1 });
  const report = bash({ taskId: "report", command: "echo all good" });
  const cleanup = bash({ taskId: "cleanup", command: "echo cleaning up", triggerRule: "all_done" });
  chain(flaky, [report, cleanup]);
});
