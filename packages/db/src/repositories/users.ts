// User accounts. Duplicate usernames are caught by the unique constraint rather than a
// read-then-insert check, which two concurrent `users create` calls could both pass.
import { UpdraftError, type UserRole } from "@updraft/core";
import { asc, eq } from "drizzle-orm";
import type { UpdraftDb } from "../client.ts";
import { isUniqueViolation } from "../pg-errors.ts";
import { users, type UserRow } from "../schema/users.ts";

export interface NewUser {
  username: string;
  /** Already hashed by the caller. */
  passwordHash: string;
  role: UserRole;
  email?: string | null;
}

/**
 * Inserts a user.
 * @throws UpdraftError UPDRAFT_USER_EXISTS when the username is taken.
 */
export async function createUser(db: UpdraftDb, user: NewUser): Promise<UserRow> {
  try {
    const [row] = await db
      .insert(users)
      .values({ username: user.username, passwordHash: user.passwordHash, role: user.role, email: user.email ?? null })
      .returning();
    return row!;
  } catch (error) {
    if (isUniqueViolation(error, "users_username_key")) {
      throw new UpdraftError("UPDRAFT_USER_EXISTS", `User "${user.username}" already exists`, {
        details: { username: user.username },
        cause: error,
      });
    }
    throw error;
  }
}

/** The user with that exact username, or undefined. */
export async function findUserByUsername(db: UpdraftDb, username: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(users.username, username)).limit(1);
  return row;
}

/** All users by username. */
export async function listUsers(db: UpdraftDb): Promise<UserRow[]> {
  return db.select().from(users).orderBy(asc(users.username));
}

/** Records a successful login. */
export async function touchUserLogin(db: UpdraftDb, userId: number, at: Date = new Date()): Promise<void> {
  await db.update(users).set({ lastLoginAt: at }).where(eq(users.id, userId));
}
