import { describe, expect, it } from "vitest";
import { isUpdraftError, type UpdraftError } from "@updraft/core";
import { maskDatabaseUrl, openDatabase } from "../src/index.ts";

describe("client: unreachable Postgres", () => {
  it("fails with UPDRAFT_DB_UNAVAILABLE and a masked URL", async () => {
    // Port 1 on localhost refuses connections immediately.
    const url = "postgres://updraft:s3cret@127.0.0.1:1/updraft";
    const error = await openDatabase({ databaseUrl: url, home: "/nonexistent" }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isUpdraftError(error, "UPDRAFT_DB_UNAVAILABLE")).toBe(true);
    const message = (error as UpdraftError).message;
    expect(message).toContain("127.0.0.1:1");
    expect(message).not.toContain("s3cret");
    expect(message).toContain("***");
  });

  it("masks passwords in URLs", () => {
    expect(maskDatabaseUrl("postgres://u:p@h:5432/d")).toBe("postgres://u:***@h:5432/d");
    expect(maskDatabaseUrl("postgres://u@h/d")).toBe("postgres://u@h/d");
  });
});
