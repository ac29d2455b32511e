import { describe, expect, it } from "vitest";
import { branch, chain, dag, normaliseBranchChoice, task } from "../src/index.ts";

const d = dag({ dagId: "b" }, () => {
  const pick = branch({ taskId: "pick" }, () => null);
  const left = task({ taskId: "left" }, () => 1);
  const right = task({ taskId: "right" }, () => 2);
  chain(pick, [left, right]);
  chain(left, task({ taskId: "after_left" }, () => 3));
});

describe("normaliseBranchChoice", () => {
  it("accepts ids, handles, lists and nothing", () => {
    expect(normaliseBranchChoice(d.graph, "pick", "left")).toEqual(["left"]);
    expect(normaliseBranchChoice(d.graph, "pick", [{ taskId: "right" }, "left", "left"])).toEqual(["right", "left"]);
    expect(normaliseBranchChoice(d.graph, "pick", null)).toEqual([]);
  });
  it("refuses a task that is not directly downstream", () => {
    expect(() => normaliseBranchChoice(d.graph, "pick", "after_left")).toThrow(/not directly downstream/);
    expect(() => normaliseBranchChoice(d.graph, "pick", 42)).toThrow(/not a task or task id/);
  });
});
