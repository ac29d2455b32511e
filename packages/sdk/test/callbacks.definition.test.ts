// Callbacks in a DAG definition: per task and from defaultArgs (a task's own wins), recorded by
// name in the serialized spec (the functions stay in the runtime), DAG callbacks likewise; a
// callback that is not a function is an import error.
import { describe, expect, it } from "vitest";
import { dag, task } from "../src/index.ts";

const a = () => {};
const b = () => {};

describe("callbacks in definitions", () => {
  const d = dag({ dagId: "cb", defaultArgs: { onFailure: a, onRetry: a }, onSuccess: b }, () => {
    task({ taskId: "own", onFailure: b, onSuccess: b }, () => 1);
    task({ taskId: "inherited" }, () => 2);
  });
  it("a task's own callback wins over defaultArgs; both are kept in the runtime", () => {
    expect(d.task("own").callbacks).toEqual({ onFailure: b, onRetry: a, onSuccess: b });
    expect(d.task("inherited").callbacks).toEqual({ onFailure: a, onRetry: a });
  });
  it("the serialized DAG names them, and holds no function", () => {
    const s = d.serialize("cb.ts");
    expect(s.callbacks).toEqual(["onSuccess"]);
    expect(s.tasks.find((t) => t.taskId === "own")?.callbacks).toEqual(["onSuccess", "onFailure", "onRetry"]);
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });
  it("a DAG without callbacks serializes as before (no callbacks key)", () => {
    const plain = dag({ dagId: "plain" }, () => void task({ taskId: "t" }, () => 1)).serialize("p.ts");
    expect("callbacks" in plain).toBe(false);
    expect("callbacks" in plain.tasks[0]!).toBe(false);
  });
  it("refuses a callback that is not a function", () => {
    expect(() => dag({ dagId: "bad", onFailure: "nope" as never }, () => void task({ taskId: "t" }, () => 1))).toThrow(/onFailure must be a function/);
    expect(() => dag({ dagId: "bad2" }, () => void task({ taskId: "t", onRetry: 42 as never }, () => 1))).toThrow(/onRetry must be a function/);
  });
});
