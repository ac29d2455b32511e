// Fan-out and join: `start >> [shard_00 .. shard_29] >> join`. The shards are independent, so with
// the distributed executor they spread over every worker (`docker compose up -d --scale worker=3`);
// each prints the host it ran on. Trigger with `--conf '{"seconds": 20}'` to make the shards longer.
// The compose test (.ci/compose-test.sh) uses it to show work spreading, a killed worker's try
// being retried elsewhere, and a scheduler restart mid-run.
import { bash, chain, dag } from "@updraft/sdk";

const SHARDS = 30;

export default dag(
  {
    dagId: "fan_out",
    description: `${SHARDS} parallel shards of a sleep, then a join`,
    schedule: null,
    maxActiveRuns: 4,
    maxActiveTasks: SHARDS,
    params: { seconds: 5 },
    tags: ["example"],
    defaultArgs: { retries: 2, retryDelay: "2s" },
  },
  () => {
    const start = bash({ taskId: "start", command: "echo fanning out" });
    const shards = Array.from({ length: SHARDS }, (_, i) =>
      bash({
        taskId: `shard_${String(i).padStart(2, "0")}`,
        // Number(): the conf is user input; only a number reaches the shell.
        command: (ctx) => `sleep ${Math.max(0, Number(ctx.params.seconds) || 0)}; echo "shard ${i} ran on $(hostname)"`,
      }),
    );
    const join = bash({ taskId: "join", command: `echo "all ${SHARDS} shards done"` });
    chain(start, shards, join);
  },
);
