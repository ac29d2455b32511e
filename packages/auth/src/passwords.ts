// Password hashing with argon2id (OWASP's first choice), through @node-rs/argon2: a maintained
// native binding shipped as prebuilt npm packages, so it installs without a compiler.
import { hash, verify } from "@node-rs/argon2";
import { UpdraftError } from "@updraft/core";

/** Shortest password `users create` accepts. */
export const MIN_PASSWORD_LENGTH = 8;

export async function hashPassword(password: string): Promise<string> {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new UpdraftError("UPDRAFT_INVALID_INPUT", `a password needs at least ${MIN_PASSWORD_LENGTH} characters`);
  }
  return hash(password);
}

/** False for a wrong password or a malformed hash; never throws for bad input. */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}
