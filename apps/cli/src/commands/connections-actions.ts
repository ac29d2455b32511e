// The work behind `updraft connections ...` and `updraft rotate-fernet-key`, loaded only when such
// a command runs (see program.ts: command modules import commander alone, so `--help` stays fast).
import { readFile, writeFile } from "node:fs/promises";
import { UpdraftError, formatConnectionUri, parseConnectionUri } from "@updraft/core";
import { FernetCipher, rotateConnections, rotateVariables, type ConnectionRecord } from "@updraft/db";
import { parseConnectionEnv } from "@updraft/sdk";
import { cliConfig, withDatabase } from "../cli-context.ts";
import { withSecretsStore } from "../control/secrets-store.ts";
import { readLiveStandalone } from "../control/standalone-link.ts";
import { printJson, printTable } from "../output.ts";

/** The options of `connections add`, as Airflow's `--conn-*` flags. */
export interface AddOptions {
  connUri?: string;
  connJson?: string;
  connType?: string;
  connHost?: string;
  connLogin?: string;
  connPassword?: string;
  connSchema?: string;
  connPort?: string;
  connExtra?: string;
  connDescription?: string;
}

/** A connection in Airflow's export file. */
interface ExportedConnection {
  conn_type: string;
  description: string | null;
  host: string | null;
  login: string | null;
  password: string | null;
  schema: string | null;
  port: number | null;
  extra: string | null;
}

function fromOptions(connId: string, o: AddOptions): ConnectionRecord {
  if (o.connUri !== undefined) return { connId, description: o.connDescription ?? null, ...parseConnectionUri(o.connUri) };
  if (o.connJson !== undefined) return { connId, ...parseConnectionEnv(o.connJson), description: o.connDescription ?? parseConnectionEnv(o.connJson).description };
  if (o.connType === undefined) throw new UpdraftError("UPDRAFT_INVALID_INPUT", "give --conn-uri, --conn-json or --conn-type");
  if (o.connExtra !== undefined) JSON.parse(o.connExtra);
  return {
    connId,
    connType: o.connType,
    description: o.connDescription ?? null,
    host: o.connHost ?? null,
    login: o.connLogin ?? null,
    password: o.connPassword ?? null,
    schema: o.connSchema ?? null,
    port: o.connPort === undefined ? null : Number(o.connPort),
    extra: o.connExtra ?? null,
  };
}

function toExported(c: ConnectionRecord): ExportedConnection {
  return { conn_type: c.connType, description: c.description, host: c.host, login: c.login, password: c.password, schema: c.schema, port: c.port, extra: c.extra };
}

function fromExported(connId: string, e: Partial<ExportedConnection> & { extra?: unknown }): ConnectionRecord {
  if (typeof e.conn_type !== "string") throw new UpdraftError("UPDRAFT_INVALID_INPUT", `connection "${connId}" has no conn_type`);
  return {
    connId,
    connType: e.conn_type,
    description: e.description ?? null,
    host: e.host ?? null,
    login: e.login ?? null,
    password: e.password ?? null,
    schema: e.schema ?? null,
    port: e.port ?? null,
    extra: e.extra === undefined || e.extra === null ? null : typeof e.extra === "string" ? e.extra : JSON.stringify(e.extra),
  };
}

export async function addConnection(connId: string, options: AddOptions): Promise<void> {
  const record = fromOptions(connId, options);
  await withSecretsStore(cliConfig(), (s) => s.putConnection(record, false));
  console.log(`Successfully added \`conn_id\`=${connId} : ${formatConnectionUri({ ...record, password: record.password === null ? null : "***" })}`);
}

export async function getConnection(connId: string, options: { json?: boolean; showPassword?: boolean }): Promise<void> {
  const found = await withSecretsStore(cliConfig(), (s) => s.getConnection(connId));
  if (!found) throw new UpdraftError("UPDRAFT_CONNECTION_NOT_FOUND", `Connection "${connId}" does not exist`);
  const shown = options.showPassword || found.password === null ? found : { ...found, password: "***" };
  if (options.json) return printJson({ conn_id: connId, ...toExported(shown), uri: formatConnectionUri(shown) });
  printTable(["conn_id", "conn_type", "uri"], [[connId, found.connType, formatConnectionUri(shown)]]);
}

export async function listConnections(options: { json?: boolean }): Promise<void> {
  const all = await withSecretsStore(cliConfig(), (s) => s.listConnections());
  if (options.json) return printJson(all.map((c) => ({ conn_id: c.connId, conn_type: c.connType, host: c.host, port: c.port, schema: c.schema, login: c.login, description: c.description })));
  printTable(["conn_id", "conn_type", "host", "port", "schema", "description"], all.map((c) => [c.connId, c.connType, c.host, c.port, c.schema, c.description]));
}

export async function deleteConnection(connId: string): Promise<void> {
  if (!(await withSecretsStore(cliConfig(), (s) => s.deleteConnection(connId)))) {
    throw new UpdraftError("UPDRAFT_CONNECTION_NOT_FOUND", `Connection "${connId}" does not exist`);
  }
  console.log(`Successfully deleted connection with \`conn_id\`=${connId}`);
}

export async function exportConnections(file: string): Promise<void> {
  const all = await withSecretsStore(cliConfig(), (s) => s.listConnections());
  await writeFile(file, `${JSON.stringify(Object.fromEntries(all.map((c) => [c.connId, toExported(c)])), null, 4)}\n`, { mode: 0o600 });
  console.log(`${all.length} connections successfully exported to ${file}.`);
}

export async function importConnections(file: string, options: { overwrite?: boolean }): Promise<void> {
  const data = JSON.parse(await readFile(file, "utf8")) as Record<string, Partial<ExportedConnection>>;
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    throw new UpdraftError("UPDRAFT_INVALID_INPUT", `${file} must hold a JSON object of conn_id -> connection`);
  }
  await withSecretsStore(cliConfig(), async (s) => {
    for (const [connId, exported] of Object.entries(data)) {
      if (!options.overwrite && (await s.getConnection(connId))) {
        console.log(`Could not import connection ${connId}: connection already exists.`);
        continue;
      }
      await s.putConnection(fromExported(connId, exported), options.overwrite === true);
      console.log(`Imported connection ${connId}`);
    }
  });
}

export async function rotateFernetKey(): Promise<void> {
  const config = cliConfig();
  if (!config.fernetKey) throw new UpdraftError("UPDRAFT_CONFIG_INVALID", "UPDRAFT_FERNET_KEY is not set");
  if (!config.databaseUrl && readLiveStandalone(config.home)) {
    throw new UpdraftError("UPDRAFT_DB_LOCKED", "the running standalone holds the embedded database; stop it, then rotate");
  }
  const cipher = new FernetCipher(config.fernetKey);
  const counts = await withDatabase(async ({ db }) => ({ connections: await rotateConnections(db, cipher), variables: await rotateVariables(db, cipher) }));
  console.log(`Re-encrypted ${counts.connections} connections and ${counts.variables} variables with the first key.`);
}
