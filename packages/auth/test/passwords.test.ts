import { describe, expect, it } from "vitest";
import { hashPassword, verifyPassword } from "../src/index.ts";

describe("passwords", () => {
  it("hashes with argon2id and verifies only the right password", async () => {
    const hashed = await hashPassword("correct horse");
    expect(hashed).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword(hashed, "correct horse")).toBe(true);
    expect(await verifyPassword(hashed, "wrong horse")).toBe(false);
    expect(await verifyPassword("not a hash", "x")).toBe(false);
  });
  it("refuses a short password with a typed error", async () => {
    await expect(hashPassword("short")).rejects.toMatchObject({ code: "UPDRAFT_INVALID_INPUT" });
  });
});
