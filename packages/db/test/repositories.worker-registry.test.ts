import { describe, expect, it } from "vitest";
import { deregisterWorker, forgetStoppedWorkers, listWorkers, registerWorker } from "../src/index.ts";
import { DRIVERS, useMigratedDatabase } from "./support/test-database.ts";

describe.each(DRIVERS)("repositories/worker-registry (%s)", (driver) => {
  const database = useMigratedDatabase(driver);

  it("forgets cleanly stopped local executors of a host, keeps crashed and other workers", async () => {
    const { db } = database();
    const base = { hostname: "vm", queues: ["*"], concurrency: 4 };
    for (const name of ["local@vm:1", "local@vm:2", "local@vm:3", "local@other:1", "local@vm_x:1", "worker-a"]) await registerWorker(db, { ...base, name, pid: 1 });
    for (const name of ["local@vm:1", "local@vm:2", "local@other:1", "local@vm_x:1", "worker-a"]) await deregisterWorker(db, name);
    // local@vm:3 never deregistered (it crashed): it stays, shown offline by its heartbeat age.
    expect(await forgetStoppedWorkers(db, "local@vm:")).toBe(2);
    expect((await listWorkers(db)).map((w) => w.name)).toEqual(["local@other:1", "local@vm:3", "local@vm_x:1", "worker-a"]);
  });
});
