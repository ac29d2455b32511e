// The parent side of a task's Variable.get / Connection.get: read from the metadata database and
// decrypt, for a task process that has no database of its own.
import { getConnection, getVariable, type FernetCipher, type UpdraftDb } from "@updraft/db";
import type { ConnectionLookupResult } from "@updraft/sdk";
import type { SecretKind } from "./local/pool-protocol.ts";

/** The variable's value or the connection's fields; null when it does not exist. */
export async function lookupSecret(
  db: UpdraftDb,
  cipher: FernetCipher | null,
  kind: SecretKind,
  key: string,
): Promise<string | ConnectionLookupResult | null> {
  if (kind === "variable") return (await getVariable(db, key, cipher))?.value ?? null;
  const found = await getConnection(db, key, cipher);
  if (!found) return null;
  const { connId: _connId, ...fields } = found;
  return fields;
}
