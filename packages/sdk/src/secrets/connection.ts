// Connection.get inside tasks, as Airflow's `BaseHook.get_connection`: `UPDRAFT_CONN_<ID>` (a URI,
// or JSON as Airflow accepts) first, then the metadata database. The password, and extra fields
// under sensitive names, are masked as *** in the try's log.
import {
  UpdraftError,
  formatConnectionUri,
  isSensitiveKey,
  maskSecret,
  parseConnectionUri,
  type ConnectionFields,
} from "@updraft/core";
import { currentSecretsLookup } from "./lookup.ts";

/** The environment variable that defines connection `connId`: `UPDRAFT_CONN_<ID upper-cased>`. */
export function connectionEnvName(connId: string): string {
  return `UPDRAFT_CONN_${connId.toUpperCase()}`;
}

/** A connection to an outside system, as Airflow's `Connection`. */
export class Connection implements ConnectionFields {
  readonly connId: string;
  readonly connType: string;
  readonly description: string | null;
  readonly host: string | null;
  readonly schema: string | null;
  readonly login: string | null;
  readonly password: string | null;
  readonly port: number | null;
  /** JSON object text, or null. */
  readonly extra: string | null;

  constructor(connId: string, fields: ConnectionFields & { description?: string | null }) {
    this.connId = connId;
    this.connType = fields.connType;
    this.description = fields.description ?? null;
    this.host = fields.host;
    this.schema = fields.schema;
    this.login = fields.login;
    this.password = fields.password;
    this.port = fields.port;
    this.extra = fields.extra;
  }

  /** The extra parsed as an object (Airflow's `extra_dejson`); {} when there is none or it is not an object. */
  get extraDejson(): Record<string, unknown> {
    if (!this.extra) return {};
    try {
      const parsed = JSON.parse(this.extra) as unknown;
      return parsed !== null && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
    } catch {
      return {};
    }
  }

  /** The connection as a URI (Airflow's `get_uri()`), e.g. `postgres://user:pass@host:5432/db`. */
  getUri(): string {
    return formatConnectionUri(this);
  }

  /**
   * The connection `connId`: from `UPDRAFT_CONN_<ID>` if set, else from the metadata database.
   * @throws UPDRAFT_CONNECTION_NOT_FOUND when it exists nowhere; UPDRAFT_CONNECTION_URI_INVALID for a bad env value.
   */
  static async get(connId: string): Promise<Connection> {
    const fromEnv = process.env[connectionEnvName(connId)];
    const fields = fromEnv !== undefined ? parseConnectionEnv(fromEnv) : await currentSecretsLookup()?.connection(connId);
    if (!fields) {
      throw new UpdraftError("UPDRAFT_CONNECTION_NOT_FOUND", `Connection "${connId}" does not exist`, { details: { connId } });
    }
    const connection = new Connection(connId, fields);
    maskSecret(connection.password);
    for (const [key, value] of Object.entries(connection.extraDejson)) {
      if (isSensitiveKey(key) && typeof value === "string") maskSecret(value);
    }
    return connection;
  }
}

/** Parses an `UPDRAFT_CONN_<ID>` value: a URI, or JSON with Airflow's field names (`conn_type`, `host`, ...). */
export function parseConnectionEnv(value: string): ConnectionFields & { description: string | null } {
  const text = value.trim();
  if (!text.startsWith("{")) return { ...parseConnectionUri(text), description: null };
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch (error) {
    throw new UpdraftError("UPDRAFT_CONNECTION_URI_INVALID", "the connection's JSON cannot be parsed", { cause: error });
  }
  const str = (k: string) => (typeof json[k] === "string" ? (json[k] as string) : null);
  const extra = json.extra;
  return {
    connType: str("conn_type") ?? "generic",
    description: str("description"),
    host: str("host"),
    schema: str("schema"),
    login: str("login"),
    password: str("password"),
    port: typeof json.port === "number" ? json.port : json.port ? Number(json.port) : null,
    extra: extra === undefined || extra === null ? null : typeof extra === "string" ? extra : JSON.stringify(extra),
  };
}
