// Every trigger rule against every combination of upstream counts that Airflow's rule code can
// tell apart, generated rather than hand-picked. Airflow's TriggerRuleDep reads only counts: the
// finished upstream task instances by state (success, skipped, failed, upstream_failed, removed),
// `done` (their sum; `State.finished` includes removed) and `upstream` (the number of direct
// upstream tasks); anything not finished is simply not counted ("none", scheduled, queued,
// running, up_for_retry). So enumerating every split of 0..6 upstream tasks over those six
// buckets covers every branch of its code, including every threshold it compares against.
//
// The oracle below is a line-by-line transcription of Airflow's
// `TriggerRuleDep._evaluate_direct_relatives` (airflow/ti_deps/deps/trigger_rule_dep.py, 2.10,
// and airflow-core/src/airflow/ti_deps/deps/trigger_rule_dep.py, 3.1, which adds
// ALL_DONE_MIN_ONE_SUCCESS), for a non-mapped task (map_index -1) with flag_upstream_failed, as
// the scheduler calls it. It is written in Airflow's shape (first "new_state", then the failing
// statuses) and shares no code with src/trigger-rules.ts.
import { describe, expect, it } from "vitest";
import { evaluateTriggerRule, summarise, TRIGGER_RULES, type TaskInstanceState, type TriggerDecision, type TriggerRule } from "../src/index.ts";

interface Counts {
  success: number;
  skipped: number;
  failed: number;
  upstreamFailed: number;
  removed: number;
  /** Not finished: no state yet, scheduled, queued, running, up_for_retry. */
  unfinished: number;
}

function airflow(rule: TriggerRule, c: Counts): TriggerDecision {
  const upstream = c.success + c.skipped + c.failed + c.upstreamFailed + c.removed + c.unfinished;
  // _get_dep_statuses: "The task instance did not have any upstream tasks." / ALWAYS passes.
  if (upstream === 0) return "run";
  if (rule === "always") return "run";
  const { success, skipped, failed, removed } = c;
  const upstream_failed = c.upstreamFailed;
  const done = success + skipped + failed + upstream_failed + removed; // _UpstreamTIStates.done
  const upstream_done = done >= upstream;

  // if dep_context.flag_upstream_failed: ... new_state
  let newState: "skip" | "upstream_failed" | null = null;
  if (rule === "all_success") {
    if (upstream_failed || failed) newState = "upstream_failed";
    else if (skipped) newState = "skip";
    // `elif removed and success and ti.map_index > -1` only for mapped task instances.
  } else if (rule === "all_failed") {
    if (success || skipped) newState = "skip";
  } else if (rule === "one_success") {
    if (upstream_done && done === skipped) newState = "skip";
    else if (upstream_done && success <= 0) newState = "upstream_failed";
  } else if (rule === "one_failed") {
    if (upstream_done && !(failed || upstream_failed)) newState = "skip";
  } else if (rule === "one_done") {
    if (upstream_done && !(failed || success)) newState = "skip";
  } else if (rule === "none_failed") {
    if (upstream_failed || failed) newState = "upstream_failed";
  } else if (rule === "none_failed_min_one_success") {
    if (upstream_failed || failed) newState = "upstream_failed";
    else if (skipped === upstream) newState = "skip";
  } else if (rule === "none_skipped") {
    if (skipped) newState = "skip";
  } else if (rule === "all_skipped") {
    if (success || failed || upstream_failed) newState = "skip";
  } else if (rule === "all_done_min_one_success") {
    const nonSkippedDone = success + failed + upstream_failed + removed;
    const nonSkippedUpstream = upstream - skipped;
    if (skipped > 0) newState = "skip";
    else if (nonSkippedDone >= nonSkippedUpstream && success === 0) newState = "upstream_failed";
  }
  // ti.set_state(new_state): the task instance is settled and never runs.
  if (newState !== null) return newState;

  // The failing statuses: any one of them keeps the task waiting.
  let failing: boolean;
  switch (rule) {
    case "one_success":
      failing = success <= 0;
      break;
    case "one_failed":
      failing = !failed && !upstream_failed;
      break;
    case "one_done":
      failing = success + failed <= 0;
      break;
    case "all_success":
      failing = upstream - success > 0;
      break;
    case "all_failed":
      failing = upstream - failed - upstream_failed > 0;
      break;
    case "all_done":
      failing = !upstream_done;
      break;
    case "none_failed":
    case "none_failed_min_one_success":
      failing = upstream - success - skipped > 0;
      break;
    case "none_skipped":
      failing = !upstream_done || skipped > 0;
      break;
    case "all_skipped":
      failing = upstream - skipped > 0;
      break;
    case "all_done_min_one_success": {
      const nonSkippedDone = success + failed + upstream_failed + removed;
      const nonSkippedUpstream = upstream - skipped;
      failing = skipped > 0 || nonSkippedDone < nonSkippedUpstream || success === 0;
      break;
    }
  }
  return failing ? "wait" : "run";
}

// Every split of n upstream tasks over the six buckets, for n = 0..MAX.
const MAX = 6;
function* splits(n: number, parts: number): Generator<number[]> {
  if (parts === 1) {
    yield [n];
    return;
  }
  for (let first = n; first >= 0; first--) for (const rest of splits(n - first, parts - 1)) yield [first, ...rest];
}
const COMBINATIONS: Counts[] = [];
for (let n = 0; n <= MAX; n++) {
  for (const [success, skipped, failed, upstreamFailed, removed, unfinished] of splits(n, 6)) {
    COMBINATIONS.push({ success: success!, skipped: skipped!, failed: failed!, upstreamFailed: upstreamFailed!, removed: removed!, unfinished: unfinished! });
  }
}

// Through `summarise`, as the scheduler calls it: real task ids with states, unfinished ones
// spread over every unfinished state (none, scheduled, queued, running, up_for_retry).
const UNFINISHED: Array<TaskInstanceState | null> = [null, "scheduled", "queued", "running", "up_for_retry"];
function updraft(rule: TriggerRule, c: Counts): TriggerDecision {
  const states = new Map<string, TaskInstanceState | null>();
  const add = (n: number, state: (i: number) => TaskInstanceState | null) => {
    for (let i = 0; i < n; i++) states.set(`up${states.size}`, state(i));
  };
  add(c.success, () => "success");
  add(c.skipped, () => "skipped");
  add(c.failed, () => "failed");
  add(c.upstreamFailed, () => "upstream_failed");
  add(c.removed, () => "removed");
  add(c.unfinished, (i) => UNFINISHED[i % UNFINISHED.length]!);
  return evaluateTriggerRule(rule, summarise([...states.keys()], states));
}

const label = (c: Counts) =>
  Object.entries(c)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k}=${n}`)
    .join(",") || "no upstream";

describe("trigger rules agree with Airflow's TriggerRuleDep on every upstream count combination", () => {
  it("enumerates every split of 0..6 upstream tasks over the six buckets", () => {
    // C(n+5, 5) summed over n = 0..6
    expect(COMBINATIONS.length).toBe(1 + 6 + 21 + 56 + 126 + 252 + 462);
  });

  for (const rule of TRIGGER_RULES) {
    it(`${rule}`, () => {
      const disagreements = COMBINATIONS.filter((c) => updraft(rule, c) !== airflow(rule, c)).map(
        (c) => `${label(c)}: updraft ${updraft(rule, c)}, airflow ${airflow(rule, c)}`,
      );
      expect(disagreements).toEqual([]);
    });
  }

  it("every rule reaches each decision Airflow's code gives it somewhere in the table", () => {
    // Guards the enumeration itself: if it lost the combinations that settle or run a task, the
    // comparison above would pass on a table of waits.
    const reached = (rule: TriggerRule) => new Set(COMBINATIONS.map((c) => airflow(rule, c)));
    expect([...reached("all_success")].sort()).toEqual(["run", "skip", "upstream_failed", "wait"]);
    expect([...reached("one_done")].sort()).toEqual(["run", "skip", "wait"]);
    expect([...reached("all_done_min_one_success")].sort()).toEqual(["run", "skip", "upstream_failed", "wait"]);
    expect([...reached("always")]).toEqual(["run"]);
  });

  it("one_done with upstream upstream_failed and skipped is skipped, as the issue's case", () => {
    const c: Counts = { success: 0, skipped: 1, failed: 0, upstreamFailed: 1, removed: 0, unfinished: 0 };
    expect(airflow("one_done", c)).toBe("skip");
    expect(updraft("one_done", c)).toBe("skip");
  });
});
