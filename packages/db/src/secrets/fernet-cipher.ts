// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- the fernet package ships no types; other packages compile this file too
/// <reference path="./fernet.d.ts" />
// Encryption at rest of connection passwords, extras and variable values, as Airflow's
// `fernet_key`: a comma-separated list of Fernet keys; the first encrypts, every one decrypts, so
// a key can be rotated (put the new key first, run `updraft rotate-fernet-key`, drop the old one).
import { randomBytes } from "node:crypto";
import { UpdraftError } from "@updraft/core";
import fernet, { type Secret } from "fernet";

/** Encrypts with the first key and decrypts with any key of a UPDRAFT_FERNET_KEY list. */
export class FernetCipher {
  private readonly secrets: Secret[];

  /**
   * @param keyList UPDRAFT_FERNET_KEY: comma-separated url-safe base64 keys of 32 bytes each
   *   (Python's `Fernet.generate_key()` makes them, and so does {@link generateFernetKey}).
   * @throws UPDRAFT_CONFIG_INVALID when a key is not a Fernet key.
   */
  constructor(keyList: string) {
    const keys = keyList.split(",").map((k) => k.trim()).filter((k) => k !== "");
    if (keys.length === 0) throw new UpdraftError("UPDRAFT_CONFIG_INVALID", "UPDRAFT_FERNET_KEY holds no key");
    this.secrets = keys.map((key, i) => {
      if (Buffer.from(key, "base64url").length !== 32) {
        throw new UpdraftError("UPDRAFT_CONFIG_INVALID", `UPDRAFT_FERNET_KEY: key ${i + 1} is not 32 url-safe base64-encoded bytes`);
      }
      return new fernet.Secret(key);
    });
  }

  /** A Fernet token of `plain`, made with the first key. */
  encrypt(plain: string): string {
    return new fernet.Token({ secret: this.secrets[0]!, ttl: 0 }).encode(plain);
  }

  /** The plain text of a token made with any of the keys. @throws UPDRAFT_SECRET_UNREADABLE */
  decrypt(token: string): string {
    for (const secret of this.secrets) {
      try {
        return new fernet.Token({ secret, token, ttl: 0 }).decode();
      } catch {
        // Try the next key: the token may predate a rotation.
      }
    }
    throw new UpdraftError("UPDRAFT_SECRET_UNREADABLE", "a stored secret cannot be decrypted with any key of UPDRAFT_FERNET_KEY");
  }

  /** Re-encrypts a token with the first key (`rotate-fernet-key`). */
  rotate(token: string): string {
    return this.encrypt(this.decrypt(token));
  }
}

/** A fresh Fernet key (url-safe base64 of 32 random bytes), as Python's `Fernet.generate_key()`. */
export function generateFernetKey(): string {
  return randomBytes(32).toString("base64url") + "=";
}

/** The cipher for a configured UPDRAFT_FERNET_KEY, or null when none is set (values stay plain, as in Airflow). */
export function cipherFor(keyList: string | undefined): FernetCipher | null {
  return keyList ? new FernetCipher(keyList) : null;
}
