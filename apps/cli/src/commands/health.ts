// `updraft health`: is this process's world in order? Checks the servers the process depends on
// (Postgres, and Redis with the distributed executor) and the role's own liveness, then exits 0,
// or 1 with one line per failing dependency on stderr. The Docker image's HEALTHCHECK runs it, so
// it loads only the configuration and the driver each check uses.
import { Option, type Command } from "commander";

interface HealthCommandOptions {
  role: string;
  timeout: string;
  name?: string;
}

export function registerHealthCommand(program: Command): void {
  program
    .command("health")
    .description("Check this process's dependencies (database, Redis) and the role's liveness; exit 0 healthy, 1 not")
    .addOption(
      new Option("--role <role>", "what to check besides the servers: auto = the role of the container's main process (PID 1's command)")
        .choices(["auto", "scheduler", "worker", "webserver", "standalone", "none"])
        .default("auto"),
    )
    .option("--timeout <seconds>", "how long each check may take", "5")
    .option("--name <name>", "worker role: the worker's --name (default: any worker on this host)")
    .action(async (options: HealthCommandOptions) => {
      const [{ loadConfig }, { containerRole, runHealthChecks }] = await Promise.all([import("@updraft/config"), import("../health-checks.ts")]);
      const timeoutSec = Number(options.timeout);
      if (!Number.isFinite(timeoutSec) || timeoutSec <= 0) {
        const { UpdraftError } = await import("@updraft/core");
        throw new UpdraftError("UPDRAFT_INVALID_INPUT", `--timeout must be a number of seconds > 0, got ${options.timeout}`);
      }
      const role = options.role === "auto" ? containerRole() : (options.role as Exclude<typeof options.role, "auto">);
      const results = await runHealthChecks(loadConfig(), {
        role: role as Parameters<typeof runHealthChecks>[1]["role"],
        timeoutMs: timeoutSec * 1000,
        workerName: options.name,
      });
      for (const r of results) {
        if (r.ok) process.stdout.write(`healthy: ${r.dependency}: ${r.detail}\n`);
        else process.stderr.write(`unhealthy: ${r.dependency}: ${r.detail}\n`);
      }
      if (results.length === 0) process.stdout.write(`healthy: nothing to check (role ${role}, no DATABASE_URL)\n`);
      // Exit now: a driver's socket or timer must not keep a probe alive past its answer.
      process.exit(results.every((r) => r.ok) ? 0 : 1);
    });
}
