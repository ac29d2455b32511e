// candidateWindow, by example: what the claim reads per DAG and pool (the property tests hold the
// claim's SQL equal to it and the selection over it to the pure decisions).
import { describe, expect, it } from "vitest";
import { candidateWindow, claimRooms, selectTaskInstancesToQueue, type ConcurrencySnapshot, type WindowCandidate } from "../src/index.ts";
import { roomySnapshot } from "./support/concurrency-snapshot.ts";

const day = new Date("2026-01-01T00:00:00Z");
const ti = (taskId: string, pool: string, priorityWeight: number): WindowCandidate => ({ dagId: "d", runId: "r", taskId, pool, poolSlots: 1, priorityWeight, logicalDate: day });

const snapshot = (over: Partial<ConcurrencySnapshot> = {}): ConcurrencySnapshot =>
  roomySnapshot({
    maxActiveTasks: () => 2,
    pools: new Map([
      ["one", { slots: 1, occupied: 0 }],
      ["many", { slots: 5, occupied: 0 }],
    ]),
    ...over,
  });

describe("candidateWindow", () => {
  it("reads a DAG's candidates per pool, so a full pool's do not take the room of another pool's", () => {
    // maxActiveTasks 2; pool "one" has 1 slot. Read per DAG only, the two higher-priority tasks
    // of "one" took the DAG's room of 2 and "many"'s task waited although nothing else could go.
    const s = snapshot();
    const rooms = claimRooms({ ...s, dags: [{ dagId: "d", isPaused: false }] });
    const scheduled = [ti("one_a", "one", 3), ti("one_b", "one", 2), ti("many_a", "many", 1)];
    const window = candidateWindow(rooms, scheduled);
    expect(window.map((c) => c.taskId)).toEqual(["one_a", "many_a"]);
    expect(selectTaskInstancesToQueue(window, s).selected.map((c) => c.taskId)).toEqual(["one_a", "many_a"]);
  });

  it("reads no more of a DAG per pool than the pool has open slots", () => {
    const s = snapshot({ maxActiveTasks: () => 100 });
    const rooms = claimRooms({ ...s, dags: [{ dagId: "d", isPaused: false }] });
    const scheduled = Array.from({ length: 10 }, (_, i) => ti(`m${i}`, "many", 1));
    expect(candidateWindow(rooms, scheduled).map((c) => c.taskId)).toEqual(["m0", "m1", "m2", "m3", "m4"]);
  });

  it("keeps the DAG's room across its pools, best first", () => {
    const s = snapshot({ maxActiveTasks: () => 3 });
    const rooms = claimRooms({ ...s, dags: [{ dagId: "d", isPaused: false }] });
    const scheduled = [ti("m0", "many", 1), ti("m1", "many", 1), ti("o0", "one", 5), ti("m2", "many", 4), ti("m3", "many", 1)];
    expect(candidateWindow(rooms, scheduled).map((c) => c.taskId)).toEqual(["o0", "m2", "m0"]);
  });
});
