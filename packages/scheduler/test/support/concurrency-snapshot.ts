// The concurrency snapshot the pure claim decisions' example tests start from: every limit with
// room (parallelism 32, 16 tasks per DAG, default_pool with 128 free slots, nothing active), with
// what a test needs overridden.
import type { ConcurrencySnapshot } from "../../src/index.ts";

export const roomySnapshot = (over: Partial<ConcurrencySnapshot> = {}): ConcurrencySnapshot => ({
  parallelism: 32,
  activeTotal: 0,
  executorFreeSlots: Infinity,
  activePerDag: new Map(),
  maxActiveTasks: () => 16,
  pools: new Map([["default_pool", { slots: 128, occupied: 0 }]]),
  ...over,
});
