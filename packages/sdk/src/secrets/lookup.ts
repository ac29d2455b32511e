// Where Variable.get and Connection.get find what the environment does not hold. The executor
// installs a lookup for the duration of a try: in a pooled task process it asks the parent (which
// holds the database) over IPC; `dags test` installs none, so only the environment is read.
import type { ConnectionFields } from "@updraft/core";

/** A stored connection as a lookup returns it. */
export interface ConnectionLookupResult extends ConnectionFields {
  description: string | null;
}

/** Reads variables and connections from the metadata database (through whoever holds it). */
export interface SecretsLookup {
  /** The variable's value, or null when it does not exist. */
  variable(key: string): Promise<string | null>;
  /** The connection, or null when it does not exist. */
  connection(connId: string): Promise<ConnectionLookupResult | null>;
}

const SLOT = Symbol.for("updraft.secrets-lookup");
type Holder = Record<symbol, SecretsLookup | null | undefined>;

/** Installs the lookup for this process (null: environment only). Executors call it. */
export function installSecretsLookup(lookup: SecretsLookup | null): void {
  (globalThis as unknown as Holder)[SLOT] = lookup;
}

/** The installed lookup, if any. Kept on globalThis so two loaded copies of the SDK share it. */
export function currentSecretsLookup(): SecretsLookup | null {
  return (globalThis as unknown as Holder)[SLOT] ?? null;
}
