// Extract -> transform -> load, where each task's input is typed from the upstream task's result:
// change what `extract` returns and `transform` stops compiling.
import { dag, task } from "@updraft/sdk";

interface Order {
  id: number;
  amount: number;
}

export default dag(
  {
    dagId: "typed_etl",
    description: "Orders to a daily total, with results passed between tasks",
    schedule: "@daily",
    startDate: "2026-01-01",
    catchup: false,
    params: { currency: "EUR" },
    tags: ["example", "etl"],
    defaultArgs: { retries: 1, retryDelay: "10s" },
  },
  () => {
    const extract = task({ taskId: "extract" }, async (ctx): Promise<Order[]> => {
      ctx.log(`extracting orders for ${ctx.logicalDate.toISOString()}`);
      return [
        { id: 1, amount: 12.5 },
        { id: 2, amount: 7.25 },
      ];
    });
    const transform = task({ taskId: "transform", inputs: { orders: extract } }, (ctx, { orders }) => ({
      count: orders.length,
      total: orders.reduce((sum, o) => sum + o.amount, 0),
      currency: String(ctx.params.currency),
    }));
    task({ taskId: "load", inputs: { summary: transform } }, (ctx, { summary }) => {
      ctx.log(`loading ${summary.count} orders, ${summary.total} ${summary.currency}`);
      return `${summary.count} orders loaded`;
    });
  },
);
