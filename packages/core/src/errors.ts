// The single registry of Updraft errors. Every error has a stable code, the HTTP status the API
// answers with, and a hint that tells the user what to do. Add a code here, never ad hoc.

export const ERROR_REGISTRY = {
  UPDRAFT_CONFIG_INVALID: { httpStatus: 500, hint: "Fix the variable in the environment or .env (see .env.example)." },
  UPDRAFT_INVALID_DURATION: { httpStatus: 400, hint: 'Use seconds as a number or a string such as "30s", "5m", "1h".' },
  UPDRAFT_DAG_INVALID: { httpStatus: 400, hint: "Fix the DAG definition; the message names the option." },
  UPDRAFT_DAG_CYCLE: { httpStatus: 400, hint: "Remove one of the dependencies that closes the cycle." },
  UPDRAFT_DAG_DUPLICATE_TASK_ID: { httpStatus: 400, hint: "Give every task in a DAG its own taskId." },
  UPDRAFT_DAG_UNKNOWN_DEPENDENCY: {
    httpStatus: 400,
    hint: "Only depend on tasks created inside the same dag(...) builder.",
  },
  UPDRAFT_DAG_DUPLICATE_ID: { httpStatus: 400, hint: "Every DAG needs its own dagId across the DAGs folder." },
  UPDRAFT_TASK_OUTSIDE_DAG: { httpStatus: 400, hint: "Create tasks inside the builder function passed to dag(...)." },
  UPDRAFT_DAG_IMPORT_FAILED: { httpStatus: 400, hint: "Fix the DAG file; other DAGs keep working meanwhile." },
  UPDRAFT_DAG_CACHE_UNSAFE: {
    httpStatus: 500,
    hint: "Remove the folder (Updraft recreates it, private to this user), or point TMPDIR at a folder of this user's.",
  },
  UPDRAFT_DAG_IMPORT_TIMEOUT: {
    httpStatus: 400,
    hint: "A DAG file must only define DAGs at import time; move slow work into tasks.",
  },
  UPDRAFT_DAGS_FOLDER_MISSING: { httpStatus: 500, hint: "Create the folder or point UPDRAFT_DAGS_FOLDER at your DAG files." },
  UPDRAFT_DAG_NOT_FOUND: { httpStatus: 404, hint: "Check the dag id with `updraft dags list`." },
  UPDRAFT_TASK_NOT_FOUND: { httpStatus: 404, hint: "Check the task id in the DAG's definition." },
  UPDRAFT_DAG_RUN_NOT_FOUND: { httpStatus: 404, hint: "Check the run id with the DAG's run list." },
  UPDRAFT_DAG_RUN_EXISTS: { httpStatus: 409, hint: "Choose another run id or leave it out to get a generated one." },
  UPDRAFT_INVALID_INPUT: { httpStatus: 400, hint: "Fix the request; the message names the field." },
  UPDRAFT_TASK_FAILED: { httpStatus: 500, hint: "See the task's log for the cause." },
  UPDRAFT_TASK_TIMEOUT: { httpStatus: 500, hint: "Raise executionTimeout or make the task faster." },
  UPDRAFT_SENSOR_TIMEOUT: { httpStatus: 500, hint: "Raise the sensor's timeout or check the condition it waits for." },
  UPDRAFT_DB_LOCKED: {
    httpStatus: 503,
    hint: "Another Updraft process holds the embedded database; stop it, or set DATABASE_URL to use Postgres.",
  },
  UPDRAFT_WEB_PORT_IN_USE: {
    httpStatus: 500,
    hint: "Stop the program that uses it, or set UPDRAFT_WEB_PORT (and UPDRAFT_WEB_HOST) to a free address, e.g. UPDRAFT_WEB_PORT=8081.",
  },
  UPDRAFT_DB_NOT_MIGRATED: { httpStatus: 503, hint: "Run `updraft db migrate`." },
  UPDRAFT_DB_UNAVAILABLE: { httpStatus: 503, hint: "Check that the database in DATABASE_URL is running and reachable." },
  UPDRAFT_USER_EXISTS: { httpStatus: 409, hint: "Pick another username." },
  UPDRAFT_POOL_NOT_FOUND: { httpStatus: 404, hint: "Check the pool name with GET /api/v1/pools." },
  UPDRAFT_POOL_EXISTS: { httpStatus: 409, hint: "Pick another pool name, or PATCH the existing pool." },
  UPDRAFT_VARIABLE_NOT_FOUND: { httpStatus: 404, hint: "Check the key with `updraft variables list`, or pass a default." },
  UPDRAFT_CONNECTION_NOT_FOUND: { httpStatus: 404, hint: "Check the id with `updraft connections list`, or set UPDRAFT_CONN_<ID>." },
  UPDRAFT_CONNECTION_EXISTS: { httpStatus: 409, hint: "Pick another conn_id, or PATCH the existing connection." },
  UPDRAFT_CONNECTION_URI_INVALID: { httpStatus: 400, hint: "Use the form type://login:password@host:port/schema?extra_key=value." },
  UPDRAFT_SECRET_UNREADABLE: {
    httpStatus: 500,
    hint: "Put the key the secret was encrypted with into UPDRAFT_FERNET_KEY (comma-separated, newest first).",
  },
  UPDRAFT_PARAM_INVALID: { httpStatus: 400, hint: "Fix the param in the run's conf; the message names it and its schema." },
  UPDRAFT_ROUTE_NOT_FOUND: { httpStatus: 404, hint: "Check the path; the API is described at /api/v1/openapi.json." },
  UPDRAFT_INTERNAL: { httpStatus: 500, hint: "This is a bug in Updraft; the server log has the details." },
  UPDRAFT_NOT_AUTHENTICATED: { httpStatus: 401, hint: "Log in, or send HTTP Basic credentials of a user." },
  UPDRAFT_FORBIDDEN: { httpStatus: 403, hint: "Ask an Admin for the Op or Admin role." },
  UPDRAFT_CONFIRMATION_REQUIRED: { httpStatus: 400, hint: "Repeat the command with --yes." },
  // Webserver hardening and the Airflow REST API (api branch).
  UPDRAFT_TOO_MANY_LOGIN_ATTEMPTS: { httpStatus: 429, hint: "Wait for the time in the Retry-After header, then log in again." },
  UPDRAFT_USER_NOT_FOUND: { httpStatus: 404, hint: "Check the username with GET /api/v1/users." },
  UPDRAFT_EVENT_LOG_NOT_FOUND: { httpStatus: 404, hint: "Check the id with GET /api/v1/eventLogs." },
  UPDRAFT_IMPORT_ERROR_NOT_FOUND: { httpStatus: 404, hint: "Check the id with GET /api/v1/importErrors." },
  UPDRAFT_ROLE_NOT_FOUND: { httpStatus: 404, hint: "Roles are Admin, Op and Viewer." },
  UPDRAFT_XCOM_NOT_FOUND: { httpStatus: 404, hint: "Check the key with the task instance's xcomEntries list." },
  UPDRAFT_TYPESCRIPT_MISSING: {
    httpStatus: 500,
    hint: "Install TypeScript in the project that holds the DAGs folder (npm install -D typescript), then run `updraft dags check` again.",
  },
  UPDRAFT_CONFLICT: { httpStatus: 409, hint: "The resource changed meanwhile or is in use; read it again and retry." },
} as const satisfies Record<string, { httpStatus: number; hint: string }>;

export type ErrorCode = keyof typeof ERROR_REGISTRY;

export class UpdraftError extends Error {
  readonly code: ErrorCode;
  readonly httpStatus: number;
  readonly hint: string;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, message: string, options: { details?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "UpdraftError";
    this.code = code;
    this.httpStatus = ERROR_REGISTRY[code].httpStatus;
    this.hint = ERROR_REGISTRY[code].hint;
    this.details = Object.freeze({ ...options.details });
  }

  /** One line for a terminal: the code, what went wrong, what to do. */
  describe(): string {
    return `${this.code}: ${this.message}. ${this.hint}`;
  }

  toJSON(): { code: ErrorCode; message: string; hint: string; details: Record<string, unknown> } {
    return { code: this.code, message: this.message, hint: this.hint, details: { ...this.details } };
  }
}

export function isUpdraftError(value: unknown, code?: ErrorCode): value is UpdraftError {
  return value instanceof UpdraftError && (code === undefined || value.code === code);
}

/** The message of anything thrown, for logs and import errors. */
export function errorMessage(error: unknown): string {
  if (error instanceof UpdraftError) return error.describe();
  if (error instanceof Error) return error.message;
  return String(error);
}
