// The contract's example: task1 >> [task2, task3] >> task4, with task2 and task3 in parallel.
import { bash, chain, dag, task } from "@updraft/sdk";

export default dag(
  { dagId: "parallel_tasks", schedule: null, maxActiveRuns: 1, maxActiveTasks: 16, tags: ["example"] },
  () => {
    const task1 = bash({ taskId: "task1", command: "echo start" });
    const task2 = bash({ taskId: "task2", command: "sleep 2" });
    const task3 = task({ taskId: "task3", retries: 2 }, async (ctx) => {
      ctx.log("counting rows");
      return { rows: 3 };
    });
    const task4 = bash({ taskId: "task4", command: "echo done" });
    chain(task1, [task2, task3], task4); // Airflow: task1 >> [task2, task3] >> task4
  },
);
