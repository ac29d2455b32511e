import { spawn } from "node:child_process";
import { once } from "node:events";
import { describe, expect, it } from "vitest";
import { CpuSampler } from "../src/cpu-sampler.ts";

// A child that burns 300 ms of CPU, says so, then idles until killed.
const BURN = `const t = process.cpuUsage(); while ((process.cpuUsage(t).user + process.cpuUsage(t).system) < 300000); console.log("done"); setInterval(() => {}, 1000);`;

describe("CpuSampler", () => {
  it("counts the CPU of a process born during the interval from 0, under its parent's role", async () => {
    const sampler = new CpuSampler({ workers: [process.pid] }, undefined, 50);
    sampler.start();
    const child = spawn(process.execPath, ["-e", BURN], { stdio: ["ignore", "pipe", "inherit"] });
    try {
      await once(child.stdout, "data");
      const account = await sampler.stop();
      expect(account.seconds.tasks).toBeGreaterThanOrEqual(0.29);
      expect(account.counted).toEqual(["workers", "tasks"]);
      expect(account.seconds.scheduler).toBe(0);
    } finally {
      child.kill("SIGKILL");
    }
  });
});
