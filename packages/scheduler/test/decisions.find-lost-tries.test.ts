import { describe, expect, it } from "vitest";
import { isLost, needsHolderCheck, silenceMs, type LossThresholds } from "../src/decisions/find-lost-tries.ts";

const t: LossThresholds = { fastAfterMs: 10_000, slowAfterMs: 30_000, heldAfterMs: 300_000 };
const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));

describe("find lost tries", () => {
  it("counts silence from the last heartbeat, the start, or the scheduler's own regained sight, whichever is latest", () => {
    expect(silenceMs({ lastHeartbeatAt: at(10), startDate: at(0) }, at(25), at(0))).toBe(15_000);
    expect(silenceMs({ lastHeartbeatAt: null, startDate: at(5) }, at(25), at(0))).toBe(20_000);
    // The scheduler could not read the database until second 20: older silence is not evidence.
    expect(silenceMs({ lastHeartbeatAt: at(10), startDate: at(0) }, at(25), at(20))).toBe(5_000);
    expect(silenceMs({ lastHeartbeatAt: null, startDate: null }, at(25), at(20))).toBe(5_000);
  });

  it("asks the holder only past the fast threshold", () => {
    expect(needsHolderCheck(10_000, t)).toBe(false);
    expect(needsHolderCheck(10_001, t)).toBe(true);
  });

  it("declares a try lost fast only when nobody holds it; a held try is slow, not lost", () => {
    expect(isLost(12_000, false, t)).toBe(true);
    expect(isLost(12_000, true, t)).toBe(false);
    expect(isLost(200_000, true, t)).toBe(false);
    expect(isLost(300_001, true, t)).toBe(true);
  });

  it("falls back to the heartbeat threshold when the holder cannot be asked", () => {
    expect(isLost(12_000, undefined, t)).toBe(false);
    expect(isLost(30_001, undefined, t)).toBe(true);
  });
});
