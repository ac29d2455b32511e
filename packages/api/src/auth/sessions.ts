// Browser sessions, stored in Postgres (Airflow's `session` table) so any number of webservers
// share them and a restart keeps everyone logged in. The cookie carries only a random 256-bit id
// (only its SHA-256 is stored); logging out deletes the row, so it really ends the session.
import { randomBytes } from "node:crypto";
import { deleteSession, findSessionUser, insertSession, pruneExpiredSessions, type UpdraftDb, type UserRow } from "@updraft/db";

export const SESSION_COOKIE = "updraft_session";

export interface SessionStoreOptions {
  /** Lifetime of a session from login. @defaultValue 43_200_000 // ms (12 hours) */
  ttlMs?: number;
  now?: () => number;
}

export class SessionStore {
  readonly ttlMs: number;
  readonly #db: UpdraftDb;
  readonly #now: () => number;

  constructor(db: UpdraftDb, options: SessionStoreOptions = {}) {
    this.#db = db;
    this.ttlMs = options.ttlMs ?? 43_200_000;
    this.#now = options.now ?? Date.now;
  }

  /** Opens a session for the user and returns its id (for the cookie). Expired sessions are pruned on the way. */
  async create(userId: number): Promise<string> {
    await pruneExpiredSessions(this.#db, new Date(this.#now()));
    const id = randomBytes(32).toString("base64url");
    await insertSession(this.#db, { sessionId: id, userId, expiry: new Date(this.#now() + this.ttlMs) });
    return id;
  }

  /** The session's user as stored now, or undefined when the session is unknown, expired or its user deleted. */
  async user(id: string): Promise<UserRow | undefined> {
    return findSessionUser(this.#db, id, new Date(this.#now()));
  }

  async delete(id: string): Promise<void> {
    await deleteSession(this.#db, id);
  }
}
