// Control through a running standalone's REST API, authenticated with its local admin token.
import type { DagResponse, ImportErrorResponse } from "@updraft/api-contract";
import { ERROR_REGISTRY, UpdraftError, type ErrorCode } from "@updraft/core";
import type { Control, DagRunSummary } from "./control.ts";
import type { StandaloneLink } from "./standalone-link.ts";

export class ApiControl implements Control {
  readonly target: string;
  readonly parsesOnDemand = false;

  constructor(private readonly link: StandaloneLink) {
    this.target = `the running standalone at ${link.url}`;
  }

  async listDags(): Promise<DagResponse[]> {
    return (await this.call<{ dags: DagResponse[] }>("GET", "/api/v1/dags?limit=10000")).dags;
  }

  async listImportErrors(): Promise<ImportErrorResponse[]> {
    return (await this.call<{ import_errors: ImportErrorResponse[] }>("GET", "/api/v1/importErrors?limit=10000")).import_errors;
  }

  trigger(dagId: string, options: { conf: Record<string, unknown>; runId?: string | undefined }): Promise<DagRunSummary> {
    return this.call("POST", `/api/v1/dags/${enc(dagId)}/dagRuns`, { conf: options.conf, ...(options.runId ? { dag_run_id: options.runId } : {}) });
  }

  getRun(dagId: string, runId: string): Promise<DagRunSummary> {
    return this.call("GET", `/api/v1/dags/${enc(dagId)}/dagRuns/${enc(runId)}`);
  }

  getDag(dagId: string): Promise<DagResponse> {
    return this.call("GET", `/api/v1/dags/${enc(dagId)}`);
  }

  setPaused(dagId: string, paused: boolean): Promise<DagResponse> {
    return this.call("PATCH", `/api/v1/dags/${enc(dagId)}`, { is_paused: paused });
  }

  async backfill(dagId: string, start: Date, end: Date): Promise<DagRunSummary[]> {
    return (await this.call<{ dag_runs: DagRunSummary[] }>("POST", "/api/v1/backfills", { dag_id: dagId, from_date: start.toISOString(), to_date: end.toISOString() })).dag_runs;
  }

  createUser(user: { username: string; password: string; role: string; email?: string | undefined }): Promise<{ username: string; role: string }> {
    // JSON leaves out an undefined email, which the API's schema treats as absent.
    return this.call("POST", "/api/v1/users", user);
  }

  async close(): Promise<void> {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(new URL(path, this.link.url), {
        method,
        headers: { authorization: `Bearer ${this.link.token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw new UpdraftError("UPDRAFT_DB_LOCKED", `the standalone (pid ${this.link.pid}) holds the embedded database but does not answer at ${this.link.url}`, { cause: error });
    }
    const payload = (await response.json().catch(() => ({}))) as { type?: string; detail?: string };
    if (!response.ok) {
      const code = (payload.type && payload.type in ERROR_REGISTRY ? payload.type : "UPDRAFT_INVALID_INPUT") as ErrorCode;
      throw new UpdraftError(code, payload.detail ?? `${method} ${path} answered ${response.status}`);
    }
    return payload as T;
  }
}

const enc = encodeURIComponent;
