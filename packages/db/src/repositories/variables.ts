// Variables: read, write, list and delete, encrypting values with the configured Fernet cipher
// (plain text when none is set, flagged by is_encrypted as in Airflow).
import { UpdraftError } from "@updraft/core";
import { asc, count, desc, eq } from "drizzle-orm";
import type { UpdraftDb } from "../client.ts";
import { variables, type VariableRow } from "../schema/variables.ts";
import type { FernetCipher } from "../secrets/fernet-cipher.ts";

/** A variable as users see it: the decrypted value. */
export interface Variable {
  key: string;
  value: string | null;
  description: string | null;
}

function reveal(row: VariableRow, cipher: FernetCipher | null): Variable {
  let value = row.val;
  if (row.isEncrypted && value !== null) {
    if (!cipher) throw cipherMissing();
    value = cipher.decrypt(value);
  }
  return { key: row.key, value, description: row.description };
}

function cipherMissing(): UpdraftError {
  return new UpdraftError("UPDRAFT_SECRET_UNREADABLE", "a variable is encrypted but UPDRAFT_FERNET_KEY is not set");
}

/** The variable, or undefined. @throws UPDRAFT_SECRET_UNREADABLE when no key decrypts it. */
export async function getVariable(db: UpdraftDb, key: string, cipher: FernetCipher | null): Promise<Variable | undefined> {
  const [row] = await db.select().from(variables).where(eq(variables.key, key));
  return row ? reveal(row, cipher) : undefined;
}

/** A page of variables by key, and how many there are. */
export async function listVariables(
  db: UpdraftDb,
  cipher: FernetCipher | null,
  page: { limit?: number; offset?: number; orderBy?: { field: "key" | "description"; descending: boolean } } = {},
): Promise<{ variables: Variable[]; total: number }> {
  const column = page.orderBy?.field === "description" ? variables.description : variables.key;
  const rows = await db
    .select()
    .from(variables)
    .orderBy(page.orderBy?.descending ? desc(column) : asc(column), asc(variables.key))
    .limit(page.limit ?? 100_000)
    .offset(page.offset ?? 0);
  const [total] = await db.select({ n: count() }).from(variables);
  return { variables: rows.map((r) => reveal(r, cipher)), total: total?.n ?? 0 };
}

/** Creates or replaces a variable (Airflow's `Variable.set`); a missing description keeps the stored one. */
export async function setVariable(
  db: UpdraftDb,
  variable: { key: string; value: string; description?: string | null },
  cipher: FernetCipher | null,
): Promise<Variable> {
  const val = cipher ? cipher.encrypt(variable.value) : variable.value;
  const set: Partial<VariableRow> = { val, isEncrypted: cipher !== null };
  if (variable.description !== undefined) set.description = variable.description;
  const [row] = await db
    .insert(variables)
    .values({ key: variable.key, val, description: variable.description ?? null, isEncrypted: cipher !== null })
    .onConflictDoUpdate({ target: variables.key, set })
    .returning();
  return reveal(row!, cipher);
}

/** Deletes a variable; false when it did not exist. */
export async function deleteVariable(db: UpdraftDb, key: string): Promise<boolean> {
  const rows = await db.delete(variables).where(eq(variables.key, key)).returning({ key: variables.key });
  return rows.length > 0;
}

/** Re-encrypts every encrypted value with the cipher's first key (and encrypts plain ones). Returns how many changed. */
export async function rotateVariables(db: UpdraftDb, cipher: FernetCipher): Promise<number> {
  const rows = await db.select().from(variables);
  for (const row of rows) {
    if (row.val === null) continue;
    const val = row.isEncrypted ? cipher.rotate(row.val) : cipher.encrypt(row.val);
    await db.update(variables).set({ val, isEncrypted: true }).where(eq(variables.id, row.id));
  }
  return rows.length;
}
