// A branch picks one path; the other is skipped, and the join still runs because its trigger
// rule accepts skipped upstream tasks.
import { bash, branch, chain, dag, task } from "@updraft/sdk";

export default dag({ dagId: "branching", tags: ["example"], params: { size: 5 } }, () => {
  const measure = task({ taskId: "measure" }, (ctx) => Number(ctx.params.size));
  const choose = branch({ taskId: "choose", inputs: { size: measure } }, (_ctx, { size }) =>
    size > 3 ? "big_batch" : "small_batch",
  );
  const big = bash({ taskId: "big_batch", command: "echo processing a big batch" });
  const small = bash({ taskId: "small_batch", command: "echo processing a small batch" });
  const join = bash({ taskId: "join", command: "echo joined", triggerRule: "none_failed_min_one_success" });
  chain(choose, [big, small], join);
});
