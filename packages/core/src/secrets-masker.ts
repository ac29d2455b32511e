// The secrets masker, as Airflow's: secrets a task fetches (connection passwords, variables with a
// sensitive key name) are registered here, and the executor replaces them with `***` in every log
// line of the try. The registry is per process (kept on globalThis so two loaded copies of this
// module share it); a task process runs one try at a time and the executor resets it per try.

const REGISTRY = Symbol.for("updraft.secrets-masker");
const MASK = "***";
/** Secrets shorter than this are not masked: masking "a" would garble every log line. */
const MIN_SECRET_LENGTH = 3;

/** Key names whose values are secrets, as Airflow's `DEFAULT_SENSITIVE_FIELDS`. */
export const SENSITIVE_KEY_PARTS = [
  "access_token",
  "api_key",
  "apikey",
  "authorization",
  "passphrase",
  "passwd",
  "password",
  "private_key",
  "secret",
  "token",
  "keyfile_dict",
  "service_account",
] as const;

function registry(): Set<string> {
  const holder = globalThis as unknown as Record<symbol, Set<string> | undefined>;
  return (holder[REGISTRY] ??= new Set());
}

/** True when a key name (variable key, extra field) names a secret, as Airflow's `should_hide_value_for_key`. */
export function isSensitiveKey(key: string): boolean {
  const lower = key.toLowerCase();
  return SENSITIVE_KEY_PARTS.some((part) => lower.includes(part));
}

/** Masks `secret` in this process's log lines from now until the next {@link resetMaskedSecrets}. */
export function maskSecret(secret: string | null | undefined): void {
  if (typeof secret !== "string" || secret.length < MIN_SECRET_LENGTH) return;
  registry().add(secret);
  // A secret printed as JSON shows with escapes; mask that form too.
  const escaped = JSON.stringify(secret).slice(1, -1);
  if (escaped !== secret) registry().add(escaped);
}

/** Forgets every registered secret (the executor calls it when a try starts). */
export function resetMaskedSecrets(): void {
  registry().clear();
}

/** `text` with every registered secret replaced by `***` (longest first, so overlaps mask whole). */
export function redactSecrets(text: string): string {
  const secrets = registry();
  if (secrets.size === 0) return text;
  let out = text;
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) out = out.split(secret).join(MASK);
  return out;
}
