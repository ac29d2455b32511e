import { describe, expect, it } from "vitest";
import { evaluateTriggerRule, TRIGGER_RULES, type TriggerRule, type UpstreamSummary } from "../src/index.ts";

const up = (counts: Partial<UpstreamSummary> & { total: number }): UpstreamSummary => ({
  success: 0,
  failed: 0,
  upstreamFailed: 0,
  skipped: 0,
  removed: 0,
  ...counts,
});

// [rule, upstream, expected] — two upstream tasks unless said otherwise.
const CASES: Array<[TriggerRule, UpstreamSummary, ReturnType<typeof evaluateTriggerRule>]> = [
  ["all_success", up({ total: 2, success: 2 }), "run"],
  ["all_success", up({ total: 2, success: 1 }), "wait"],
  ["all_success", up({ total: 2, success: 1, failed: 1 }), "upstream_failed"],
  ["all_success", up({ total: 2, upstreamFailed: 1 }), "upstream_failed"],
  ["all_success", up({ total: 2, success: 1, skipped: 1 }), "skip"],
  ["all_success", up({ total: 2, success: 1, removed: 1 }), "wait"],
  ["all_failed", up({ total: 2, failed: 2 }), "run"],
  ["all_failed", up({ total: 2, failed: 1, upstreamFailed: 1 }), "run"],
  ["all_failed", up({ total: 2, failed: 1 }), "wait"],
  ["all_failed", up({ total: 2, failed: 1, success: 1 }), "skip"],
  ["all_failed", up({ total: 2, skipped: 1 }), "skip"],
  ["all_done", up({ total: 2, failed: 1, skipped: 1 }), "run"],
  ["all_done", up({ total: 2, failed: 1 }), "wait"],
  ["all_done_min_one_success", up({ total: 2, failed: 1, success: 1 }), "run"],
  ["all_done_min_one_success", up({ total: 2, failed: 2 }), "upstream_failed"],
  ["all_done_min_one_success", up({ total: 2, success: 1, skipped: 1 }), "skip"],
  ["all_done_min_one_success", up({ total: 2, success: 1 }), "wait"],
  ["one_success", up({ total: 2, success: 1 }), "run"],
  ["one_success", up({ total: 2, failed: 1 }), "wait"],
  ["one_success", up({ total: 2, failed: 2 }), "upstream_failed"],
  ["one_success", up({ total: 2, skipped: 2 }), "skip"],
  ["one_failed", up({ total: 2, failed: 1 }), "run"],
  ["one_failed", up({ total: 2, upstreamFailed: 1 }), "run"],
  ["one_failed", up({ total: 2, success: 1 }), "wait"],
  ["one_failed", up({ total: 2, success: 2 }), "skip"],
  ["one_done", up({ total: 2, success: 1 }), "run"],
  ["one_done", up({ total: 2, failed: 1 }), "run"],
  ["one_done", up({ total: 2, skipped: 1 }), "wait"],
  ["one_done", up({ total: 2, skipped: 2 }), "skip"],
  ["one_done", up({ total: 2, upstreamFailed: 1, skipped: 1 }), "skip"],
  ["none_failed", up({ total: 2, success: 1, skipped: 1 }), "run"],
  ["none_failed", up({ total: 2, skipped: 2 }), "run"],
  ["none_failed", up({ total: 2, failed: 1 }), "upstream_failed"],
  ["none_failed", up({ total: 2, success: 1 }), "wait"],
  ["none_failed_min_one_success", up({ total: 2, success: 1, skipped: 1 }), "run"],
  ["none_failed_min_one_success", up({ total: 2, skipped: 2 }), "skip"],
  ["none_failed_min_one_success", up({ total: 2, upstreamFailed: 1 }), "upstream_failed"],
  ["none_skipped", up({ total: 2, success: 1, failed: 1 }), "run"],
  ["none_skipped", up({ total: 2, skipped: 1 }), "skip"],
  ["none_skipped", up({ total: 2, success: 1 }), "wait"],
  ["all_skipped", up({ total: 2, skipped: 2 }), "run"],
  ["all_skipped", up({ total: 2, skipped: 1, success: 1 }), "skip"],
  ["all_skipped", up({ total: 2, skipped: 1 }), "wait"],
  ["always", up({ total: 2 }), "run"],
  ["always", up({ total: 2, failed: 2 }), "run"],
];

describe("evaluateTriggerRule", () => {
  it.each(CASES)("%s with %o -> %s", (rule, upstream, expected) => {
    expect(evaluateTriggerRule(rule, upstream)).toBe(expected);
  });

  it.each(TRIGGER_RULES)("%s runs a task without upstream tasks", (rule) => {
    expect(evaluateTriggerRule(rule, up({ total: 0 }))).toBe("run");
  });

  it("covers every rule in the table", () => {
    expect(new Set(CASES.map(([rule]) => rule))).toEqual(new Set(TRIGGER_RULES));
  });
});
