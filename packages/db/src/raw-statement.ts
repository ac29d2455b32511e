// A fixed SQL text run through the driver itself, past drizzle's query builder: for the
// statements sent for every try (running-marks, outcomes) and every scheduler pass (its facts, the
// claim), where building the same text from a `sql` template each time cost more client CPU than
// the rest of the round trip, and Postgres parsed (and planned) it anew each time (issue 8).
// node-postgres runs it as a named prepared statement, parsed once per connection, and planned
// once too when Postgres's plan cache finds a generic plan as cheap as the custom ones; PGlite
// runs the same text. Inside a drizzle transaction it runs on the transaction's own connection.
import { sql, type SQL, type SQLChunk } from "drizzle-orm";
import type { UpdraftDb } from "./client.ts";

/** A statement whose text never changes: `$1`, `$2`… are its parameters. */
export interface RawStatement {
  /** Prepared-statement name, unique per text (node-postgres keeps one per connection). */
  readonly name: string;
  readonly text: string;
}

/** What `runStatement` runs on: a database handle, or a transaction's (anything with `execute`). */
export type StatementTarget = Pick<UpdraftDb, "execute">;

interface DriverClient {
  query(config: { name: string; text: string; values: unknown[] } | string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

/**
 * The driver client under a drizzle handle: `$client` of a database (a node-postgres Pool, or
 * PGlite), or the session's client of a transaction (a node-postgres PoolClient, or PGlite's
 * transaction; drizzle keeps it on `session`, which its types mark internal). node-postgres's
 * take a named statement; PGlite's take the text and values.
 */
function clientOf(target: StatementTarget): { client: DriverClient; named: boolean } | undefined {
  const handle = target as { $client?: unknown; session?: { client?: unknown } };
  const client = handle.$client ?? handle.session?.client;
  if (typeof client !== "object" || client === null || typeof (client as DriverClient).query !== "function") return undefined;
  return { client: client as DriverClient, named: "totalCount" in client || "processID" in client };
}

/**
 * Runs `statement` with `values` and returns its rows, as `execute` would. Values are passed to the
 * driver as they are (arrays for `$n::text[]` and the like).
 * @throws whatever the driver throws (a refused value, a lost connection)
 */
export async function runStatement<Row>(target: StatementTarget, statement: RawStatement, values: unknown[]): Promise<Row[]> {
  const direct = clientOf(target);
  if (!direct) return (await target.execute<Record<string, unknown>>(asSql(statement.text, values))).rows as Row[];
  const result = direct.named
    ? await direct.client.query({ name: statement.name, text: statement.text, values })
    : await direct.client.query(statement.text, values);
  return result.rows as Row[];
}

/** The same text as a drizzle `sql` value (for a transaction handle): each `$n` becomes a parameter. */
function asSql(text: string, values: readonly unknown[]): SQL {
  const chunks: SQLChunk[] = [];
  let last = 0;
  for (const match of text.matchAll(/\$(\d+)/g)) {
    chunks.push(sql.raw(text.slice(last, match.index)), sql.param(values[Number(match[1]) - 1]));
    last = match.index + match[0].length;
  }
  chunks.push(sql.raw(text.slice(last)));
  return sql.join(chunks);
}
