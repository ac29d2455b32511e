// HTTP Basic verification. argon2id is slow on purpose (tens of milliseconds), and API clients
// send credentials on every request, so successful checks are remembered briefly under a SHA-256
// of the credentials; the plain password is never kept.
import { createHash } from "node:crypto";
import { hashPassword, verifyPassword } from "@updraft/auth";
import type { UserRole } from "@updraft/core";
import { findUserByUsername, type UpdraftDb } from "@updraft/db";

export interface VerifiedUser {
  id: number;
  username: string;
  role: UserRole;
}

export interface BasicVerifierOptions {
  /** How long a successful verification is reused. @defaultValue 60_000 // ms */
  cacheTtlMs?: number;
  /** Most remembered verifications; the oldest go first. @defaultValue 1_000 */
  cacheSize?: number;
  now?: () => number;
}

/** Parses an `Authorization: Basic ...` header value; undefined when malformed. */
export function parseBasicHeader(header: string): { username: string; password: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (match === null) return undefined;
  const decoded = Buffer.from(match[1]!, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon <= 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function cacheKey(username: string, password: string): string {
  return createHash("sha256").update(username).update("\0").update(password).digest("hex");
}

export class BasicVerifier {
  readonly #db: UpdraftDb;
  readonly #ttlMs: number;
  readonly #size: number;
  readonly #now: () => number;
  readonly #cache = new Map<string, { user: VerifiedUser; expiresAt: number }>();
  #dummyHash: Promise<string> | undefined;

  constructor(db: UpdraftDb, options: BasicVerifierOptions = {}) {
    this.#db = db;
    this.#ttlMs = options.cacheTtlMs ?? 60_000;
    this.#size = options.cacheSize ?? 1_000;
    this.#now = options.now ?? Date.now;
  }

  /** A verification remembered from the last `cacheTtlMs`, without touching the database. */
  cached(username: string, password: string): VerifiedUser | undefined {
    const key = cacheKey(username, password);
    const cached = this.#cache.get(key);
    if (cached !== undefined && cached.expiresAt > this.#now()) return cached.user;
    this.#cache.delete(key);
    return undefined;
  }

  /** The user whose password matches, or undefined. */
  async verify(username: string, password: string): Promise<VerifiedUser | undefined> {
    const remembered = this.cached(username, password);
    if (remembered !== undefined) return remembered;
    const key = cacheKey(username, password);

    const row = await findUserByUsername(this.#db, username);
    if (row === undefined) {
      // Spend the same argon2 time as for a real user, so response times do not reveal usernames.
      await verifyPassword(await this.#timingHash(), password);
      return undefined;
    }
    if (!(await verifyPassword(row.passwordHash, password))) return undefined;
    const user = { id: row.id, username: row.username, role: row.role };
    if (this.#cache.size >= this.#size) this.#cache.delete(this.#cache.keys().next().value!);
    this.#cache.set(key, { user, expiresAt: this.#now() + this.#ttlMs });
    return user;
  }

  /** Drops remembered verifications of a user (after a password or role change, or a deletion). */
  forget(username: string): void {
    for (const [key, entry] of this.#cache) if (entry.user.username === username) this.#cache.delete(key);
  }

  #timingHash(): Promise<string> {
    this.#dummyHash ??= hashPassword("updraft-no-such-user-timing-guard");
    return this.#dummyHash;
  }
}
