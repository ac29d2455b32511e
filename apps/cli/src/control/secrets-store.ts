// Where `updraft variables` and `updraft connections` read and write: the metadata database, or
// a running standalone's REST API when that process holds the embedded database.
import type { FrozenConfig } from "@updraft/config";
import { ERROR_REGISTRY, UpdraftError, type ErrorCode } from "@updraft/core";
import {
  cipherFor,
  deleteConnection,
  deleteVariable,
  getConnection,
  getVariable,
  insertConnection,
  listConnections,
  listVariables,
  setVariable,
  upsertConnection,
  type ConnectionRecord,
  type UpdraftDatabase,
  type Variable,
} from "@updraft/db";
import { openCliDatabase } from "../cli-context.ts";
import { readLiveStandalone, type StandaloneLink } from "./standalone-link.ts";

export interface SecretsStore {
  readonly target: string;
  listVariables(): Promise<Variable[]>;
  getVariable(key: string): Promise<Variable | undefined>;
  setVariable(v: { key: string; value: string; description?: string | null }): Promise<void>;
  deleteVariable(key: string): Promise<boolean>;
  listConnections(): Promise<ConnectionRecord[]>;
  getConnection(connId: string): Promise<ConnectionRecord | undefined>;
  /** Adds a connection; with `overwrite`, replaces an existing one. */
  putConnection(c: ConnectionRecord, overwrite: boolean): Promise<void>;
  deleteConnection(connId: string): Promise<boolean>;
  close(): Promise<void>;
}

/** Opens the store, runs `work`, always closes it. */
export async function withSecretsStore<T>(config: FrozenConfig, work: (store: SecretsStore) => Promise<T>): Promise<T> {
  const link = config.databaseUrl ? null : readLiveStandalone(config.home);
  const store = link ? new ApiSecretsStore(link) : new DatabaseSecretsStore(await openCliDatabase(), config);
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

class DatabaseSecretsStore implements SecretsStore {
  readonly target = "the metadata database";
  private readonly cipher;

  constructor(
    private readonly database: UpdraftDatabase,
    config: FrozenConfig,
  ) {
    this.cipher = cipherFor(config.fernetKey);
  }

  async listVariables() {
    return (await listVariables(this.database.db, this.cipher)).variables;
  }
  getVariable(key: string) {
    return getVariable(this.database.db, key, this.cipher);
  }
  async setVariable(v: { key: string; value: string; description?: string | null }) {
    await setVariable(this.database.db, v, this.cipher);
  }
  deleteVariable(key: string) {
    return deleteVariable(this.database.db, key);
  }
  async listConnections() {
    return (await listConnections(this.database.db, this.cipher)).connections;
  }
  getConnection(connId: string) {
    return getConnection(this.database.db, connId, this.cipher);
  }
  async putConnection(c: ConnectionRecord, overwrite: boolean) {
    if (overwrite) await upsertConnection(this.database.db, c, this.cipher);
    else await insertConnection(this.database.db, c, this.cipher);
  }
  deleteConnection(connId: string) {
    return deleteConnection(this.database.db, connId);
  }
  close() {
    return this.database.close();
  }
}

interface ApiConnection {
  connection_id: string;
  conn_type: string;
  description: string | null;
  host: string | null;
  schema: string | null;
  login: string | null;
  password?: string | null;
  port: number | null;
  extra?: string | null;
}

function fromApi(c: ApiConnection): ConnectionRecord {
  return {
    connId: c.connection_id,
    connType: c.conn_type,
    description: c.description,
    host: c.host,
    schema: c.schema,
    login: c.login,
    password: c.password ?? null,
    port: c.port,
    extra: c.extra ?? null,
  };
}

function toApi(c: ConnectionRecord): ApiConnection {
  return {
    connection_id: c.connId,
    conn_type: c.connType,
    description: c.description,
    host: c.host,
    schema: c.schema,
    login: c.login,
    password: c.password,
    port: c.port,
    extra: c.extra,
  };
}

class ApiSecretsStore implements SecretsStore {
  readonly target: string;

  constructor(private readonly link: StandaloneLink) {
    this.target = `the running standalone at ${link.url}`;
  }

  async listVariables(): Promise<Variable[]> {
    const page = await this.call<{ variables: Array<{ key: string }> }>("GET", "/api/v1/variables?limit=10000");
    return Promise.all(page.variables.map(async (v) => (await this.getVariable(v.key))!));
  }
  async getVariable(key: string): Promise<Variable | undefined> {
    const v = await this.call<{ key: string; value: string; description: string | null } | undefined>("GET", `/api/v1/variables/${enc(key)}`, undefined, true);
    return v && { key: v.key, value: v.value, description: v.description };
  }
  async setVariable(v: { key: string; value: string; description?: string | null }): Promise<void> {
    await this.call("POST", "/api/v1/variables", v);
  }
  async deleteVariable(key: string): Promise<boolean> {
    return (await this.call("DELETE", `/api/v1/variables/${enc(key)}`, undefined, true)) !== undefined;
  }
  async listConnections(): Promise<ConnectionRecord[]> {
    const page = await this.call<{ connections: Array<{ connection_id: string }> }>("GET", "/api/v1/connections?limit=10000");
    return Promise.all(page.connections.map(async (c) => (await this.getConnection(c.connection_id))!));
  }
  async getConnection(connId: string): Promise<ConnectionRecord | undefined> {
    const c = await this.call<ApiConnection | undefined>("GET", `/api/v1/connections/${enc(connId)}`, undefined, true);
    return c && fromApi(c);
  }
  async putConnection(c: ConnectionRecord, overwrite: boolean): Promise<void> {
    if (overwrite && (await this.getConnection(c.connId))) {
      await this.call("PATCH", `/api/v1/connections/${enc(c.connId)}`, toApi(c));
    } else {
      await this.call("POST", "/api/v1/connections", toApi(c));
    }
  }
  async deleteConnection(connId: string): Promise<boolean> {
    return (await this.call("DELETE", `/api/v1/connections/${enc(connId)}`, undefined, true)) !== undefined;
  }
  async close(): Promise<void> {}

  /** With `missingIsUndefined`, a 404 answers undefined instead of throwing. */
  private async call<T>(method: string, path: string, body?: unknown, missingIsUndefined = false): Promise<T> {
    const response = await fetch(new URL(path, this.link.url), {
      method,
      headers: { authorization: `Bearer ${this.link.token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (missingIsUndefined && response.status === 404) return undefined as T;
    const text = await response.text();
    const payload = (text ? JSON.parse(text) : {}) as { type?: string; detail?: string };
    if (!response.ok) {
      const code = (payload.type && payload.type in ERROR_REGISTRY ? payload.type : "UPDRAFT_INVALID_INPUT") as ErrorCode;
      throw new UpdraftError(code, payload.detail ?? `${method} ${path} answered ${response.status}`);
    }
    return payload as T;
  }
}

const enc = encodeURIComponent;
