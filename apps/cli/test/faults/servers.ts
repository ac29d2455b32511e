// Private database and broker servers for fault tests: a Postgres cluster made with `initdb` in a
// temp dir on a free port, and a `redis-server` child on another, so a test can stop, restart
// and wipe them at will without touching the shared servers other tests use.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { readdirSync } from "node:fs";
import { chmod, chown, mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
// The server binaries: UPDRAFT_TEST_PG_BIN, else the newest Debian install (15 on the CI image).
const PG_BIN =
  process.env.UPDRAFT_TEST_PG_BIN ??
  join("/usr/lib/postgresql", readdirSync("/usr/lib/postgresql").sort((a, b) => Number(b) - Number(a))[0] ?? "15", "bin");

/** A TCP port nobody listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

// initdb and postgres refuse to run as root: run them as the postgres user then.
function asPostgres(command: string, args: string[]): [string, string[]] {
  return userInfo().uid === 0 ? ["runuser", ["-u", "postgres", "--", command, ...args]] : [command, args];
}

/** A private Postgres cluster (trust auth, user postgres). */
export class PrivatePostgres {
  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  /** `postgres://postgres@127.0.0.1:<port>/postgres` */
  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  static async create(): Promise<PrivatePostgres> {
    const dir = await mkdtemp(join(tmpdir(), "updraft-fault-pg-"));
    await chmod(dir, 0o700);
    if (userInfo().uid === 0) {
      const { stdout } = await run("id", ["-u", "postgres"]);
      const { stdout: gid } = await run("id", ["-g", "postgres"]);
      await chown(dir, Number(stdout.trim()), Number(gid.trim()));
    }
    const [cmd, args] = asPostgres(join(PG_BIN, "initdb"), ["-D", join(dir, "data"), "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8"]);
    await run(cmd, args);
    const pg = new PrivatePostgres(dir, await freePort());
    await pg.start();
    return pg;
  }

  async start(): Promise<void> {
    const options = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
    const [cmd, args] = asPostgres(join(PG_BIN, "pg_ctl"), ["-D", join(this.dir, "data"), "-o", options, "-l", join(this.dir, "log"), "-w", "-t", "120", "start"]);
    await run(cmd, args);
  }

  /** Stops the server; "fast" ends every session with 57P01, as an operator's restart does. */
  async stop(mode: "fast" | "immediate" = "fast"): Promise<void> {
    const [cmd, args] = asPostgres(join(PG_BIN, "pg_ctl"), ["-D", join(this.dir, "data"), "-m", mode, "-w", "-t", "120", "stop"]);
    await run(cmd, args);
  }

  async destroy(): Promise<void> {
    await this.stop("immediate").catch(() => {});
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** A private `redis-server` child without persistence: a restart comes back empty. */
export class PrivateRedis {
  private child: ChildProcess | null = null;

  private constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}/0`;
  }

  static async create(): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await freePort());
    await redis.start();
    return redis;
  }

  async start(): Promise<void> {
    const child = spawn("redis-server", ["--port", String(this.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: ["ignore", "pipe", "inherit"] });
    this.child = child;
    await new Promise<void>((resolve, reject) => {
      let out = "";
      child.stdout!.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes("Ready to accept connections")) resolve();
      });
      child.once("exit", (code) => reject(new Error(`redis-server exited (${code}): ${out}`)));
    });
    child.stdout!.resume();
  }

  /** Kills the server outright (SIGKILL): everything in it is gone. */
  async kill(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once("exit", () => resolve());
      child.kill("SIGKILL");
    });
  }

  async destroy(): Promise<void> {
    await this.kill();
  }
}
