import { describe, expect, it } from "vitest";
import { describeSettledState } from "../src/settled-reason.ts";

describe("describeSettledState", () => {
  it("names the branch and what it followed", () => {
    expect(
      describeSettledState({
        state: "skipped",
        triggerRule: "all_success",
        upstream: [{ taskId: "choose", state: "success" }],
        notFollowedBy: { branchId: "choose", followed: ["small_batch"] },
      }),
    ).toBe("branch `choose` followed `small_batch`");
  });

  it("names the failed upstream task and the trigger rule", () => {
    expect(
      describeSettledState({
        state: "upstream_failed",
        triggerRule: "all_success",
        upstream: [
          { taskId: "extract", state: "failed" },
          { taskId: "other", state: "success" },
        ],
      }),
    ).toBe("`extract` failed (trigger rule all_success)");
  });

  it("names skipped upstream tasks, and says nothing for states reached by running", () => {
    expect(describeSettledState({ state: "skipped", triggerRule: "all_success", upstream: [{ taskId: "a", state: "skipped" }] })).toBe(
      "`a` was skipped (trigger rule all_success)",
    );
    expect(describeSettledState({ state: "success", triggerRule: "all_success", upstream: [] })).toBeNull();
  });
});
