// Browser sessions, kept in this process's memory: the cookie carries only a random id (signed
// with the session secret), so logging out really ends the session. Restarting the webserver
// logs everyone out, which is acceptable for a dashboard.
import { randomBytes } from "node:crypto";

export const SESSION_COOKIE = "updraft_session";

export interface Session {
  userId: number;
  username: string;
  expiresAt: number;
}

export interface SessionStoreOptions {
  /** Lifetime of a session from login. @defaultValue 43_200_000 // ms (12 hours) */
  ttlMs?: number;
  now?: () => number;
}

export class SessionStore {
  readonly ttlMs: number;
  readonly #now: () => number;
  readonly #sessions = new Map<string, Session>();

  constructor(options: SessionStoreOptions = {}) {
    this.ttlMs = options.ttlMs ?? 43_200_000;
    this.#now = options.now ?? Date.now;
  }

  create(userId: number, username: string): string {
    this.#prune();
    const id = randomBytes(32).toString("base64url");
    this.#sessions.set(id, { userId, username, expiresAt: this.#now() + this.ttlMs });
    return id;
  }

  get(id: string): Session | undefined {
    const session = this.#sessions.get(id);
    if (session === undefined) return undefined;
    if (session.expiresAt <= this.#now()) {
      this.#sessions.delete(id);
      return undefined;
    }
    return session;
  }

  delete(id: string): void {
    this.#sessions.delete(id);
  }

  // Expired sessions are dropped on each login, so memory follows the number of live sessions.
  #prune(): void {
    const now = this.#now();
    for (const [id, session] of this.#sessions) if (session.expiresAt <= now) this.#sessions.delete(id);
  }
}
