import { describe, expect, it } from "vitest";
import { isUpdraftError } from "@updraft/core";
import { getDag, listDags, listImportErrors, setDagPaused, syncDags } from "../src/index.ts";
import { DRIVERS, sampleDag, useMigratedDatabase } from "./support/test-database.ts";

describe.each(DRIVERS)("repositories/dags (%s)", (driver) => {
  const database = useMigratedDatabase(driver);

  it("inserts, updates, keeps pause state, deactivates and replaces import errors", async () => {
    const { db } = database();
    const t1 = new Date("2024-05-01T10:00:00Z");
    const first = await syncDags(db, {
      dags: [
        { serialized: sampleDag("alpha"), hash: "a1" },
        { serialized: sampleDag("beta", { schedule: null, tags: [] }), hash: "b1" },
      ],
      importErrors: [{ filename: "broken.ts", message: "SyntaxError: boom" }],
      parsedAt: t1,
      pausedAtCreation: true,
    });
    expect(first).toEqual({ added: ["alpha", "beta"], changed: [], deactivated: [] });

    const alpha = await getDag(db, "alpha");
    expect(alpha).toMatchObject({ dagId: "alpha", fileloc: "alpha.ts", isPaused: true, isActive: true, hash: "a1", schedule: "@daily", tags: ["example", "test"] });
    expect(alpha!.serialized).toEqual(sampleDag("alpha"));
    expect(alpha!.lastParsedAt.toISOString()).toBe(t1.toISOString());
    expect((await getDag(db, "beta"))!.tags).toEqual([]);
    expect((await listImportErrors(db)).map((e) => [e.filename, e.stackTrace])).toEqual([["broken.ts", "SyntaxError: boom"]]);

    await setDagPaused(db, "alpha", false);

    const t2 = new Date("2024-05-01T10:05:00Z");
    const second = await syncDags(db, {
      dags: [
        { serialized: sampleDag("alpha", { description: "changed" }), hash: "a2" },
        { serialized: sampleDag("gamma"), hash: "g1" },
      ],
      importErrors: [{ filename: "other.ts", message: "Error: nope" }],
      parsedAt: t2,
      pausedAtCreation: false,
    });
    expect(second).toEqual({ added: ["gamma"], changed: ["alpha"], deactivated: ["beta"] });

    const alpha2 = (await getDag(db, "alpha"))!;
    expect(alpha2).toMatchObject({ isPaused: false, isActive: true, hash: "a2", description: "changed" });
    expect(alpha2.lastParsedAt.toISOString()).toBe(t2.toISOString());
    expect((await getDag(db, "gamma"))!.isPaused).toBe(false);
    expect((await getDag(db, "beta"))!.isActive).toBe(false);
    expect((await listDags(db)).map((d) => d.dagId)).toEqual(["alpha", "beta", "gamma"]);
    expect((await listDags(db, { activeOnly: true })).map((d) => d.dagId)).toEqual(["alpha", "gamma"]);
    expect((await listImportErrors(db)).map((e) => e.filename)).toEqual(["other.ts"]);

    // A DAG coming back is active again and still paused as before.
    const third = await syncDags(db, {
      dags: [{ serialized: sampleDag("beta"), hash: "b1" }],
      importErrors: [],
      parsedAt: t2,
      pausedAtCreation: false,
    });
    expect(third).toEqual({ added: [], changed: ["beta"], deactivated: ["alpha", "gamma"] });
    expect(await getDag(db, "beta")).toMatchObject({ isActive: true, isPaused: true });
    expect(await listImportErrors(db)).toEqual([]);
  });

  it("a re-parse with an unchanged hash moves only the parse time; a changed hash rewrites the definition", async () => {
    const { db } = database();
    const t1 = new Date("2024-06-01T00:00:00Z");
    const t2 = new Date("2024-06-01T00:00:30Z");
    await syncDags(db, { dags: [{ serialized: sampleDag("steady", { description: "first" }), hash: "s1" }], importErrors: [], parsedAt: t1, pausedAtCreation: false });
    const again = await syncDags(db, { dags: [{ serialized: sampleDag("steady", { description: "first" }), hash: "s1" }], importErrors: [], parsedAt: t2, pausedAtCreation: false });
    expect(again).toEqual({ added: [], changed: [], deactivated: [] });
    const kept = (await getDag(db, "steady"))!;
    expect(kept).toMatchObject({ hash: "s1", description: "first", isActive: true });
    expect(kept.lastParsedAt.toISOString()).toBe(t2.toISOString());
    await syncDags(db, { dags: [{ serialized: sampleDag("steady", { description: "second" }), hash: "s2" }], importErrors: [], parsedAt: t2, pausedAtCreation: false });
    expect(await getDag(db, "steady")).toMatchObject({ hash: "s2", description: "second" });
  });

  it("an unchanged DAG keeps its record and pause state and gets only the new parse time", async () => {
    const { db } = database();
    const t1 = new Date("2024-06-01T10:00:00Z");
    const t2 = new Date("2024-06-01T10:00:30Z");
    const bag = { dags: [{ serialized: sampleDag("delta"), hash: "d1" }], importErrors: [], pausedAtCreation: true };
    await syncDags(db, { ...bag, parsedAt: t1 });
    await setDagPaused(db, "delta", false);
    const again = await syncDags(db, { ...bag, parsedAt: t2, pausedAtCreation: true });
    expect(again).toEqual({ added: [], changed: [], deactivated: [] });
    const delta = (await getDag(db, "delta"))!;
    expect(delta).toMatchObject({ hash: "d1", isPaused: false, isActive: true, fileloc: "delta.ts" });
    expect(delta.serialized).toEqual(sampleDag("delta"));
    expect(delta.lastParsedAt.toISOString()).toBe(t2.toISOString());
  });

  it("keeps an import error's id while its file keeps failing; the timestamp moves only when the text changes", async () => {
    const { db } = database();
    const pass = (parsedAt: string, errors: Array<{ filename: string; message: string }>) =>
      syncDags(db, { dags: [], importErrors: errors, parsedAt: new Date(parsedAt), pausedAtCreation: false });
    const byFile = async () => Object.fromEntries((await listImportErrors(db)).map((e) => [e.filename, e]));
    await pass("2024-06-01T10:00:00Z", [
      { filename: "a.ts", message: "a.ts:1:1: Unexpected" },
      { filename: "b.ts", message: "b.ts:2:2: Error: nope" },
    ]);
    const first = await byFile();
    await pass("2024-06-01T10:00:30Z", [
      { filename: "a.ts", message: "a.ts:1:1: Unexpected" },
      { filename: "b.ts", message: "b.ts:3:3: Error: other" },
    ]);
    const second = await byFile();
    expect(second["a.ts"]!.id).toBe(first["a.ts"]!.id);
    expect(second["a.ts"]!.timestamp.toISOString()).toBe("2024-06-01T10:00:00.000Z");
    expect(second["b.ts"]!.id).toBe(first["b.ts"]!.id);
    expect(second["b.ts"]).toMatchObject({ stackTrace: "b.ts:3:3: Error: other" });
    expect(second["b.ts"]!.timestamp.toISOString()).toBe("2024-06-01T10:00:30.000Z");
    // a.ts loads again: its row goes; b.ts keeps failing with the same id.
    await pass("2024-06-01T10:01:00Z", [{ filename: "b.ts", message: "b.ts:3:3: Error: other" }]);
    const third = await byFile();
    expect(Object.keys(third)).toEqual(["b.ts"]);
    expect(third["b.ts"]!.id).toBe(first["b.ts"]!.id);
    await pass("2024-06-01T10:01:30Z", []);
    expect(await listImportErrors(db)).toEqual([]);
  });

  it("pauses and unpauses; unknown DAG is UPDRAFT_DAG_NOT_FOUND", async () => {
    const { db } = database();
    await syncDags(db, { dags: [{ serialized: sampleDag("pausable"), hash: "p" }], importErrors: [], parsedAt: new Date(), pausedAtCreation: false });
    expect((await setDagPaused(db, "pausable", true)).isPaused).toBe(true);
    expect((await getDag(db, "pausable"))!.isPaused).toBe(true);
    expect((await setDagPaused(db, "pausable", false)).isPaused).toBe(false);
    await expect(setDagPaused(db, "nope", true)).rejects.toSatisfy((e) => isUpdraftError(e, "UPDRAFT_DAG_NOT_FOUND"));
    expect(await getDag(db, "nope")).toBeUndefined();
  });
});
