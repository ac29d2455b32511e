// Connections as URIs, both ways, with Airflow's rules (`Connection(uri=...)` and `get_uri()`):
// the scheme is the conn_type (`-` for `_`, `postgresql` read as `postgres`), user info, host and
// path are percent-decoded, and the query string is the extra (or `__extra__=<json>`).
import { UpdraftError } from "./errors.ts";

/** A connection's fields, as Airflow's `Connection`. `extra` is a JSON object's text or null. */
export interface ConnectionFields {
  connType: string;
  host: string | null;
  schema: string | null;
  login: string | null;
  password: string | null;
  port: number | null;
  extra: string | null;
}

/**
 * Parses `type://login:password@host:port/schema?key=value` (Airflow's URI form).
 * @throws UPDRAFT_CONNECTION_URI_INVALID when it is not a URI with a scheme.
 */
export function parseConnectionUri(uri: string): ConnectionFields {
  let url: URL;
  try {
    url = new URL(uri);
  } catch (error) {
    throw new UpdraftError("UPDRAFT_CONNECTION_URI_INVALID", "the connection URI cannot be parsed", { cause: error });
  }
  let scheme = url.protocol.replace(/:$/, "");
  let hostProtocol: string | null = null;
  if (scheme.includes("__")) [scheme, hostProtocol] = scheme.split("__", 2) as [string, string];
  const connType = scheme === "postgresql" ? "postgres" : scheme.replace(/-/g, "_");
  const decode = (s: string) => (s === "" ? null : decodeURIComponent(s));
  let host = decode(url.hostname.replace(/^\[|\]$/g, ""));
  if (hostProtocol && host) host = `${hostProtocol}://${host}`;
  const path = url.pathname.replace(/^\//, "");
  return {
    connType,
    host,
    schema: decode(path),
    login: decode(url.username),
    password: decode(url.password),
    port: url.port === "" ? null : Number(url.port),
    extra: extraFromQuery(url.searchParams),
  };
}

function extraFromQuery(query: URLSearchParams): string | null {
  const packed = query.get("__extra__");
  if (packed !== null) {
    try {
      JSON.parse(packed);
    } catch (error) {
      throw new UpdraftError("UPDRAFT_CONNECTION_URI_INVALID", "__extra__ in the connection URI is not JSON", { cause: error });
    }
    return packed;
  }
  const entries = [...query.entries()];
  return entries.length === 0 ? null : JSON.stringify(Object.fromEntries(entries));
}

/** The URI of a connection (Airflow's `get_uri()`): extras of plain strings as query parameters, others as `__extra__`. */
export function formatConnectionUri(c: ConnectionFields): string {
  const enc = encodeURIComponent;
  let uri = `${c.connType.replace(/_/g, "-")}://`;
  let host = c.host ?? "";
  const protocol = /^([a-z][a-z0-9+.-]*):\/\//i.exec(host);
  if (protocol) {
    uri = `${c.connType.replace(/_/g, "-")}__${protocol[1]!.toLowerCase()}://`;
    host = host.slice(protocol[0].length);
  }
  if (c.login !== null || c.password !== null) {
    uri += enc(c.login ?? "");
    if (c.password !== null) uri += `:${enc(c.password)}`;
    uri += "@";
  }
  uri += enc(host);
  if (c.port !== null) uri += `:${c.port}`;
  if (c.schema) uri += `/${enc(c.schema)}`;
  if (c.extra) {
    const extra = JSON.parse(c.extra) as unknown;
    const flat =
      extra !== null && typeof extra === "object" && !Array.isArray(extra) && Object.values(extra).every((v) => typeof v === "string");
    const query = flat ? new URLSearchParams(extra as Record<string, string>) : new URLSearchParams({ __extra__: c.extra });
    if ([...query.keys()].length > 0) uri += `${c.schema ? "" : "/"}?${query.toString()}`;
  }
  return uri;
}
