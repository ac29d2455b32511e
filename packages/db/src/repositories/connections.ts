// Connections: read, write, list and delete, with the password and extra Fernet-encrypted when a
// cipher is configured (is_encrypted / is_extra_encrypted, as Airflow's columns).
import { UpdraftError, type ConnectionFields } from "@updraft/core";
import { asc, count, desc, eq } from "drizzle-orm";
import type { UpdraftDb } from "../client.ts";
import { connections, type ConnectionRow } from "../schema/connections.ts";
import type { FernetCipher } from "../secrets/fernet-cipher.ts";

/** A connection as users see it: decrypted password and extra. */
export interface ConnectionRecord extends ConnectionFields {
  connId: string;
  description: string | null;
}

function open(value: string | null, encrypted: boolean, cipher: FernetCipher | null): string | null {
  if (value === null || !encrypted) return value;
  if (!cipher) throw new UpdraftError("UPDRAFT_SECRET_UNREADABLE", "a connection is encrypted but UPDRAFT_FERNET_KEY is not set");
  return cipher.decrypt(value);
}

function reveal(row: ConnectionRow, cipher: FernetCipher | null): ConnectionRecord {
  return {
    connId: row.connId,
    connType: row.connType,
    description: row.description,
    host: row.host,
    schema: row.schema,
    login: row.login,
    password: open(row.password, row.isEncrypted, cipher),
    port: row.port,
    extra: open(row.extra, row.isExtraEncrypted, cipher),
  };
}

function sealed(c: ConnectionRecord, cipher: FernetCipher | null) {
  return {
    connId: c.connId,
    connType: c.connType,
    description: c.description,
    host: c.host,
    schema: c.schema,
    login: c.login,
    password: c.password !== null && cipher ? cipher.encrypt(c.password) : c.password,
    port: c.port,
    extra: c.extra !== null && cipher ? cipher.encrypt(c.extra) : c.extra,
    isEncrypted: c.password !== null && cipher !== null,
    isExtraEncrypted: c.extra !== null && cipher !== null,
  };
}

/** The connection, or undefined. @throws UPDRAFT_SECRET_UNREADABLE when no key decrypts it. */
export async function getConnection(db: UpdraftDb, connId: string, cipher: FernetCipher | null): Promise<ConnectionRecord | undefined> {
  const [row] = await db.select().from(connections).where(eq(connections.connId, connId));
  return row ? reveal(row, cipher) : undefined;
}

/** A page of connections by conn_id, and how many there are. */
export async function listConnections(
  db: UpdraftDb,
  cipher: FernetCipher | null,
  page: { limit?: number; offset?: number; orderBy?: { field: "connection_id" | "conn_type" | "host"; descending: boolean } } = {},
): Promise<{ connections: ConnectionRecord[]; total: number }> {
  const column = { connection_id: connections.connId, conn_type: connections.connType, host: connections.host }[page.orderBy?.field ?? "connection_id"];
  const rows = await db
    .select()
    .from(connections)
    .orderBy(page.orderBy?.descending ? desc(column) : asc(column), asc(connections.connId))
    .limit(page.limit ?? 100_000)
    .offset(page.offset ?? 0);
  const [total] = await db.select({ n: count() }).from(connections);
  return { connections: rows.map((r) => reveal(r, cipher)), total: total?.n ?? 0 };
}

/** Creates a connection. @throws UPDRAFT_CONNECTION_EXISTS when the conn_id is taken. */
export async function insertConnection(db: UpdraftDb, c: ConnectionRecord, cipher: FernetCipher | null): Promise<ConnectionRecord> {
  const [row] = await db.insert(connections).values(sealed(c, cipher)).onConflictDoNothing({ target: connections.connId }).returning();
  if (!row) throw new UpdraftError("UPDRAFT_CONNECTION_EXISTS", `Connection "${c.connId}" already exists`, { details: { connId: c.connId } });
  return reveal(row, cipher);
}

/** Creates or replaces a connection (import with overwrite). */
export async function upsertConnection(db: UpdraftDb, c: ConnectionRecord, cipher: FernetCipher | null): Promise<ConnectionRecord> {
  const values = sealed(c, cipher);
  const [row] = await db.insert(connections).values(values).onConflictDoUpdate({ target: connections.connId, set: values }).returning();
  return reveal(row!, cipher);
}

/** Replaces the fields of an existing connection; undefined when it does not exist. */
export async function updateConnection(db: UpdraftDb, c: ConnectionRecord, cipher: FernetCipher | null): Promise<ConnectionRecord | undefined> {
  const [row] = await db.update(connections).set(sealed(c, cipher)).where(eq(connections.connId, c.connId)).returning();
  return row ? reveal(row, cipher) : undefined;
}

/** Deletes a connection; false when it did not exist. */
export async function deleteConnection(db: UpdraftDb, connId: string): Promise<boolean> {
  const rows = await db.delete(connections).where(eq(connections.connId, connId)).returning({ id: connections.id });
  return rows.length > 0;
}

/** Re-encrypts every password and extra with the cipher's first key (plain ones get encrypted). Returns how many rows. */
export async function rotateConnections(db: UpdraftDb, cipher: FernetCipher): Promise<number> {
  const rows = await db.select().from(connections);
  for (const row of rows) {
    const c = reveal(row, cipher);
    await db.update(connections).set(sealed(c, cipher)).where(eq(connections.id, row.id));
  }
  return rows.length;
}
