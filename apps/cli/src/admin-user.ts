// The `admin` user that `updraft standalone` makes: password from UPDRAFT_ADMIN_PASSWORD, else
// generated once and kept in UPDRAFT_HOME/standalone_admin_password.txt (owner-readable only).
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { hashPassword } from "@updraft/auth";
import type { FrozenConfig } from "@updraft/config";
import { createUser, findUserByUsername, type UpdraftDb } from "@updraft/db";

export const ADMIN_USERNAME = "admin";
export const ADMIN_PASSWORD_FILE = "standalone_admin_password.txt";

export interface AdminLogin {
  username: string;
  /** Known when set or generated now; null when the user existed before with a password we do not know. */
  password: string | null;
  passwordFile: string | null;
  created: boolean;
}

export async function ensureAdminUser(db: UpdraftDb, config: FrozenConfig): Promise<AdminLogin> {
  const file = join(config.home, ADMIN_PASSWORD_FILE);
  const existing = await findUserByUsername(db, ADMIN_USERNAME);
  if (existing) {
    const kept = readIfExists(file);
    return { username: ADMIN_USERNAME, password: config.adminPassword ?? kept, passwordFile: kept ? file : null, created: false };
  }
  const password = config.adminPassword ?? randomBytes(12).toString("base64url");
  if (!config.adminPassword) writeFileSync(file, `${password}\n`, { mode: 0o600 });
  await createUser(db, { username: ADMIN_USERNAME, passwordHash: await hashPassword(password), role: "Admin" });
  return { username: ADMIN_USERNAME, password, passwordFile: config.adminPassword ? null : file, created: true };
}

function readIfExists(path: string): string | null {
  try {
    return readFileSync(path, "utf8").trim();
  } catch {
    return null;
  }
}
