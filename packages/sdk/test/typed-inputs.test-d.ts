// Type tests, checked by `tsc` (pnpm typecheck): a downstream task's inputs are typed from the
// upstream task's return type. An unused @ts-expect-error fails the typecheck, so each of those
// lines proves that a wrong use does not compile.
import { expectTypeOf } from "vitest";
import { bash, branch, dag, sensor, task, type TaskHandle } from "../src/index.ts";

dag({ dagId: "typed" }, () => {
  const extract = task({ taskId: "extract" }, async () => ({ rows: 3, names: ["a", "b"] }));
  expectTypeOf(extract).toEqualTypeOf<TaskHandle<{ rows: number; names: string[] }>>();

  const count = task({ taskId: "count", inputs: { data: extract } }, (_ctx, { data }) => {
    expectTypeOf(data).toEqualTypeOf<{ rows: number; names: string[] }>();
    return data.rows * 2;
  });
  expectTypeOf(count).toEqualTypeOf<TaskHandle<number>>();

  const shout = bash({ taskId: "shout", inputs: { n: count }, command: (_ctx, { n }) => `echo ${n.toFixed(0)}` });
  expectTypeOf(shout).toEqualTypeOf<TaskHandle<string>>();

  task({ taskId: "both", inputs: { n: count, line: shout } }, (_ctx, inputs) => {
    expectTypeOf(inputs.n).toEqualTypeOf<number>();
    expectTypeOf(inputs.line).toEqualTypeOf<string>();
  });

  const ready = sensor({ taskId: "ready" }, async () => (Math.random() > 0.5 ? { path: "/tmp/x" } : null));
  expectTypeOf(ready).toEqualTypeOf<TaskHandle<{ path: string }>>();

  const pick = branch({ taskId: "pick", inputs: { n: count } }, (_ctx, { n }) => (n > 2 ? "big" : "small"));
  expectTypeOf(pick).toEqualTypeOf<TaskHandle<string[]>>();

  // A mismatch between what the function expects and what the upstream returns:
  // @ts-expect-error count returns a number, not a string
  task({ taskId: "wrong_type", inputs: { n: count } }, (_ctx, { n }: { n: string }) => n.toUpperCase());

  task({ taskId: "wrong_field", inputs: { data: extract } }, (_ctx, { data }) =>
    // @ts-expect-error extract's result has no field "total"
    data.total,
  );

  // @ts-expect-error an input that is not a task handle
  task({ taskId: "not_a_handle", inputs: { data: 42 } }, () => 1);

  task({ taskId: "missing_input", inputs: { data: extract } }, (_ctx, inputs) =>
    // @ts-expect-error "other" was not declared as an input
    inputs.other,
  );

  // @ts-expect-error triggerRule must be one of Airflow's rules
  task({ taskId: "bad_rule", triggerRule: "sometimes" }, () => 1);

  // @ts-expect-error durations are seconds or strings with a unit
  task({ taskId: "bad_duration", retryDelay: "5 minutes" }, () => 1);
});

// Results JSON would change do not compile (issue 10, item 6); JSON values, void and unknown do.
dag({ dagId: "xcom_types" }, () => {
  // @ts-expect-error a Date becomes a string in JSON
  task({ taskId: "date" }, () => ({ when: new Date() }));
  // @ts-expect-error a Set becomes {} in JSON
  task({ taskId: "set" }, async () => ({ tags: new Set(["a"]) }));
  // @ts-expect-error a Map nested in an array
  task({ taskId: "map" }, () => [{ m: new Map<string, number>() }]);
  // @ts-expect-error a BigInt cannot be serialised
  task({ taskId: "bigint" }, () => 1n);
  // @ts-expect-error a function is dropped by JSON
  task({ taskId: "fn" }, () => ({ f: () => 1 }));

  const fine = task({ taskId: "fine" }, async () => ({ when: new Date().toISOString(), tags: ["a"], n: 1, maybe: undefined as number | undefined, nested: [{ ok: true }] }));
  expectTypeOf(fine).toEqualTypeOf<TaskHandle<{ when: string; tags: string[]; n: number; maybe: number | undefined; nested: { ok: boolean }[] }>>();
  expectTypeOf(task({ taskId: "nothing" }, () => {})).toEqualTypeOf<TaskHandle<void>>();
  expectTypeOf(task({ taskId: "never_ends" }, () => new Promise(() => {}))).toEqualTypeOf<TaskHandle<unknown>>();
  expectTypeOf(task({ taskId: "parsed" }, () => JSON.parse("{}") as unknown)).toEqualTypeOf<TaskHandle<unknown>>();
  interface Row {
    id: number;
    label?: string;
  }
  expectTypeOf(task({ taskId: "rows" }, (): Row[] => [{ id: 1 }])).toEqualTypeOf<TaskHandle<Row[]>>();
});
