// Behaviour of loadConfig: defaults, precedence of the environment over .env, parsing of each
// kind of value, and the one-line UPDRAFT_CONFIG_INVALID error for each kind of bad value.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isUpdraftError } from "@updraft/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../src/index.ts";

let cwd: string;
beforeEach(() => {
  // A fresh directory per test, so no developer .env leaks in and each test writes its own.
  cwd = mkdtempSync(join(tmpdir(), "updraft-config-"));
});
afterEach(() => rmSync(cwd, { recursive: true, force: true }));

/** The error loadConfig throws for `env`, asserted to be the one-line config error. */
function loadError(env: Record<string, string>): Error & { code: string } {
  try {
    loadConfig({ env, cwd });
  } catch (error) {
    expect(isUpdraftError(error, "UPDRAFT_CONFIG_INVALID")).toBe(true);
    expect((error as Error).message).not.toContain("\n");
    return error as Error & { code: string };
  }
  throw new Error("expected loadConfig to throw");
}

describe("defaults", () => {
  it("fills every field from an empty environment", () => {
    expect(loadConfig({ env: {}, cwd })).toEqual({
      databaseUrl: undefined,
      redisUrl: "redis://127.0.0.1:6379/0",
      brokerPrefix: "updraft",
      executor: "local",
      home: join(cwd, ".updraft"),
      dagsFolder: join(cwd, "dags"),
      web: { port: 8080, host: "127.0.0.1", proxyFixXFor: 0 },
      dagsArePausedAtCreation: false,
      dagsTypecheck: false,
      adminPassword: undefined,
      parallelism: 32,
      maxActiveTasksPerDag: 16,
      maxActiveRunsPerDag: 16,
      workerConcurrency: 16,
      logLevel: "info",
      dagImportTimeoutMs: 30_000,
      schedulerHeartbeatMs: 5_000,
      workerHeartbeatMs: 5_000,
      workerOfflineAfterMs: 30_000,
    });
  });

  it("treats empty and blank strings as unset", () => {
    const config = loadConfig({ env: { UPDRAFT_PARALLELISM: "", DATABASE_URL: "  ", UPDRAFT_EXECUTOR: "" }, cwd });
    expect(config.parallelism).toBe(32);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.executor).toBe("local");
  });
});

describe("valid values", () => {
  it("parses every kind of value", () => {
    const config = loadConfig({
      env: {
        DATABASE_URL: "postgresql://u:p@db:5432/updraft",
        REDIS_URL: "rediss://cache:6380/1",
        UPDRAFT_EXECUTOR: "Distributed",
        UPDRAFT_WEB_PORT: "0",
        UPDRAFT_WEB_HOST: "0.0.0.0",
        UPDRAFT_WEB_PROXY_FIX_X_FOR: "2",
        UPDRAFT_ADMIN_PASSWORD: "s3cret",
        UPDRAFT_PARALLELISM: " 64 ",
        UPDRAFT_LOG_LEVEL: "DEBUG",
        UPDRAFT_DAG_IMPORT_TIMEOUT: "2.5",
        UPDRAFT_WORKER_OFFLINE_AFTER_SEC: "0.0001",
      },
      cwd,
    });
    expect(config.databaseUrl).toBe("postgresql://u:p@db:5432/updraft");
    expect(config.redisUrl).toBe("rediss://cache:6380/1");
    expect(config.executor).toBe("distributed");
    expect(config.web).toEqual({ port: 0, host: "0.0.0.0", proxyFixXFor: 2 });
    expect(config.adminPassword).toBe("s3cret");
    expect(config.parallelism).toBe(64);
    expect(config.logLevel).toBe("debug");
    expect(config.dagImportTimeoutMs).toBe(2_500);
    // Rounded up, never to a zero-length interval.
    expect(config.workerOfflineAfterMs).toBe(1);
  });

  it.each([
    ["true", true],
    ["TRUE", true],
    ["1", true],
    ["yes", true],
    ["Yes", true],
    ["false", false],
    ["False", false],
    ["0", false],
    ["no", false],
    ["NO", false],
  ])("reads the boolean %j as %s", (raw, expected) => {
    expect(loadConfig({ env: { UPDRAFT_DAGS_ARE_PAUSED_AT_CREATION: raw }, cwd }).dagsArePausedAtCreation).toBe(expected);
  });

  it("resolves relative paths against cwd and keeps absolute ones", () => {
    const config = loadConfig({ env: { UPDRAFT_HOME: "state", UPDRAFT_DAGS_FOLDER: "/opt/dags" }, cwd });
    expect(config.home).toBe(join(cwd, "state"));
    expect(config.dagsFolder).toBe("/opt/dags");
    expect(loadConfig({ env: { UPDRAFT_DAGS_FOLDER: "../shared/dags" }, cwd }).dagsFolder).toBe(join(cwd, "..", "shared", "dags"));
  });
});

describe("invalid values", () => {
  it.each([
    ["UPDRAFT_PARALLELISM", "abc", "expected a whole number >= 1"],
    ["UPDRAFT_PARALLELISM", "0", "expected a whole number >= 1"],
    ["UPDRAFT_WORKER_CONCURRENCY", "1.5", "expected a whole number >= 1"],
    ["UPDRAFT_MAX_ACTIVE_RUNS_PER_DAG", "1e3", "expected a whole number >= 1"],
    ["UPDRAFT_WEB_PORT", "65536", "expected a whole number from 1 to 65535, or 0 for a free port"],
    ["UPDRAFT_WEB_PORT", "-1", "expected a whole number from 1 to 65535, or 0 for a free port"],
    ["UPDRAFT_EXECUTOR", "celery", "expected one of sequential, local, distributed"],
    ["UPDRAFT_LOG_LEVEL", "verbose", "expected one of fatal, error, warn, info, debug, trace, silent"],
    ["UPDRAFT_DAGS_ARE_PAUSED_AT_CREATION", "maybe", "expected true, false, 1, 0, yes or no"],
    ["UPDRAFT_SCHEDULER_HEARTBEAT_SEC", "0", "expected a number of seconds > 0"],
    ["UPDRAFT_DAG_IMPORT_TIMEOUT", "30s", "expected a number of seconds > 0"],
    ["DATABASE_URL", "mysql://db/updraft", "expected a URL starting with postgres:// or postgresql://"],
    ["REDIS_URL", "127.0.0.1:6379", "expected a URL starting with redis:// or rediss://"],
  ])("%s=%j names the variable, the value and what is allowed", (name, value, expected) => {
    expect(loadError({ [name]: value }).message).toBe(`${name}=${JSON.stringify(value)} is invalid: ${expected}`);
  });

  it("names every bad variable on one line", () => {
    const error = loadError({ UPDRAFT_PARALLELISM: "abc", UPDRAFT_EXECUTOR: "celery" });
    expect(error.message).toBe(
      'UPDRAFT_EXECUTOR="celery" is invalid: expected one of sequential, local, distributed; ' +
        'UPDRAFT_PARALLELISM="abc" is invalid: expected a whole number >= 1',
    );
  });

  it("hides the password of a bad URL", () => {
    const error = loadError({ DATABASE_URL: "mysql://admin:hunter2@db/updraft" });
    expect(error.message).not.toContain("hunter2");
    expect(error.message).toContain('DATABASE_URL="mysql://admin:***@db/updraft"');
  });

  it("keeps a multi-line value from .env on one line", () => {
    writeFileSync(join(cwd, ".env"), 'UPDRAFT_LOG_LEVEL="info\nextra"\n');
    expect(() => loadConfig({ env: {}, cwd })).toThrow(/^UPDRAFT_LOG_LEVEL="info\\nextra" is invalid/);
  });
});

describe(".env file", () => {
  it("is read from cwd, and the environment wins over it", () => {
    writeFileSync(join(cwd, ".env"), "UPDRAFT_PARALLELISM=8\nUPDRAFT_EXECUTOR=sequential\nUNRELATED=1\n");
    const config = loadConfig({ env: { UPDRAFT_EXECUTOR: "distributed" }, cwd });
    expect(config.parallelism).toBe(8);
    expect(config.executor).toBe("distributed");
  });

  it("applies when the environment holds an empty value", () => {
    writeFileSync(join(cwd, ".env"), "UPDRAFT_PARALLELISM=8\n");
    expect(loadConfig({ env: { UPDRAFT_PARALLELISM: "" }, cwd }).parallelism).toBe(8);
  });

  it("does not touch process.env or the env passed in", () => {
    writeFileSync(join(cwd, ".env"), "UPDRAFT_TEST_ONLY_MARKER=1\nUPDRAFT_PARALLELISM=8\n");
    const env = { UPDRAFT_EXECUTOR: "local" };
    loadConfig({ env, cwd });
    expect(process.env.UPDRAFT_TEST_ONLY_MARKER).toBeUndefined();
    expect(env).toEqual({ UPDRAFT_EXECUTOR: "local" });
  });

  it("reads an explicit dotenvPath relative to cwd, and fails when it is missing", () => {
    writeFileSync(join(cwd, "prod.env"), "UPDRAFT_WEB_PORT=9090\n");
    expect(loadConfig({ env: {}, cwd, dotenvPath: "prod.env" }).web.port).toBe(9090);
    expect(() => loadConfig({ env: {}, cwd, dotenvPath: "missing.env" })).toThrow(/cannot read the dotenv file/);
  });

  it("reports a bad value that came from .env", () => {
    writeFileSync(join(cwd, ".env"), "UPDRAFT_WEB_PORT=http\n");
    expect(() => loadConfig({ env: {}, cwd })).toThrow(/^UPDRAFT_WEB_PORT="http" is invalid/);
  });
});

describe("result", () => {
  it("is deeply frozen", () => {
    const config = loadConfig({ env: {}, cwd });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.web)).toBe(true);
    expect(() => {
      (config as { parallelism: number }).parallelism = 1;
    }).toThrow(TypeError);
    expect(() => {
      (config.web as { port: number }).port = 1;
    }).toThrow(TypeError);
  });
});
