import { describe, expect, it } from "vitest";
import { isUpdraftError } from "@updraft/core";
import { createUser, findUserByUsername, listUsers, touchUserLogin } from "../src/index.ts";
import { DRIVERS, useMigratedDatabase } from "./support/test-database.ts";

describe.each(DRIVERS)("repositories/users (%s)", (driver) => {
  const database = useMigratedDatabase(driver);

  it("creates, finds and lists users; a duplicate username is UPDRAFT_USER_EXISTS", async () => {
    const { db } = database();
    const ada = await createUser(db, { username: "ada", passwordHash: "hash-1", role: "Admin", email: "ada@example.com" });
    expect(ada).toMatchObject({ username: "ada", role: "Admin", email: "ada@example.com", lastLoginAt: null });
    expect(ada.createdAt).toBeInstanceOf(Date);
    await createUser(db, { username: "bob", passwordHash: "hash-2", role: "Viewer" });

    await expect(createUser(db, { username: "ada", passwordHash: "other", role: "Op" })).rejects.toSatisfy(
      (e) => isUpdraftError(e, "UPDRAFT_USER_EXISTS") && e.message.includes("ada"),
    );

    expect((await findUserByUsername(db, "ada"))?.passwordHash).toBe("hash-1");
    expect(await findUserByUsername(db, "nobody")).toBeUndefined();
    expect((await listUsers(db)).map((u) => u.username)).toEqual(["ada", "bob"]);

    const at = new Date("2024-06-01T12:00:00Z");
    await touchUserLogin(db, ada.id, at);
    expect((await findUserByUsername(db, "ada"))?.lastLoginAt?.toISOString()).toBe(at.toISOString());
  });
});
