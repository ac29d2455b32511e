// Browser sessions in Postgres (Airflow's `session` table). Only a SHA-256 of the session id is
// stored, so a copy of the table cannot be replayed as cookies.
import { createHash } from "node:crypto";
import { and, eq, gt, lte } from "drizzle-orm";
import type { UpdraftDb } from "../client.ts";
import { sessions } from "../schema/sessions.ts";
import { users, type UserRow } from "../schema/users.ts";

function digest(sessionId: string): string {
  return createHash("sha256").update(sessionId).digest("hex");
}

/** Stores a new session for the user, valid until `expiry`. */
export async function insertSession(db: UpdraftDb, input: { sessionId: string; userId: number; expiry: Date }): Promise<void> {
  await db.insert(sessions).values({ sessionId: digest(input.sessionId), userId: input.userId, expiry: input.expiry });
}

/**
 * The user behind a live (unexpired) session, read fresh so a deleted account or a changed role
 * takes effect at once; undefined when the session is unknown, expired or its user is gone.
 */
export async function findSessionUser(db: UpdraftDb, sessionId: string, now: Date = new Date()): Promise<UserRow | undefined> {
  const [row] = await db
    .select({ user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.sessionId, digest(sessionId)), gt(sessions.expiry, now)))
    .limit(1);
  return row?.user;
}

/** Ends a session (logout). */
export async function deleteSession(db: UpdraftDb, sessionId: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.sessionId, digest(sessionId)));
}

/** Ends every session of a user (password reset, role change by an Admin). Returns how many. */
export async function deleteUserSessions(db: UpdraftDb, userId: number): Promise<number> {
  const rows = await db.delete(sessions).where(eq(sessions.userId, userId)).returning({ id: sessions.id });
  return rows.length;
}

/** Drops expired sessions; returns how many. */
export async function pruneExpiredSessions(db: UpdraftDb, now: Date = new Date()): Promise<number> {
  const rows = await db.delete(sessions).where(lte(sessions.expiry, now)).returning({ id: sessions.id });
  return rows.length;
}
