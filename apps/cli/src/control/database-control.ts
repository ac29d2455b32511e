// Control straight through the metadata database (Postgres, or the embedded one when no
// standalone holds it). DAG listings parse the DAGs folder first, as Airflow's CLI does.
import { toDagResponse, toImportErrorResponse, type DagResponse, type ImportErrorResponse } from "@updraft/api-contract";
import { hashPassword } from "@updraft/auth";
import type { FrozenConfig } from "@updraft/config";
import { UpdraftError, type JsonValue, type UserRole } from "@updraft/core";
import { createUser, getDag, getDagRun, listDags, listImportErrors, requireDag, setDagPaused, triggerDagRun, wakeScheduler, type DagRunRow, type UpdraftDatabase } from "@updraft/db";
import type { DagBagResult } from "@updraft/dag-loader";
import { createBackfillRuns, parseDagsFolder as parseFolder, recordDagBag } from "@updraft/scheduler";
import type { Control, DagRunSummary } from "./control.ts";

export class DatabaseControl implements Control {
  readonly target = "the metadata database";
  readonly parsesOnDemand = true;

  /**
   * @param prefetched a parse of the DAGs folder started before the database opened; the first
   *   listing records it instead of parsing again.
   */
  constructor(
    private readonly database: UpdraftDatabase,
    private readonly config: FrozenConfig,
    private readonly prefetched?: Promise<DagBagResult>,
  ) {}

  private parsed: Promise<void> | undefined;

  async listDags(): Promise<DagResponse[]> {
    await this.parse();
    return (await listDags(this.database.db, { activeOnly: true })).map((row) => toDagResponse(row, this.config));
  }

  async listImportErrors(): Promise<ImportErrorResponse[]> {
    await this.parse();
    return (await listImportErrors(this.database.db)).map(toImportErrorResponse);
  }

  async trigger(dagId: string, options: { conf: Record<string, JsonValue>; runId?: string | undefined }): Promise<DagRunSummary> {
    const db = this.database.db;
    // A DAG file added since the last parse should be triggerable at once.
    if (!(await getDag(db, dagId))) await this.parse();
    // The same run as POST /api/v1/dags/{dag_id}/dagRuns makes.
    return summary(await triggerDagRun(db, { dagId, runId: options.runId, conf: options.conf }));
  }

  async getRun(dagId: string, runId: string): Promise<DagRunSummary> {
    const run = await getDagRun(this.database.db, dagId, runId);
    if (!run) throw new UpdraftError("UPDRAFT_DAG_RUN_NOT_FOUND", `DAG "${dagId}" has no run "${runId}"`);
    return summary(run);
  }

  async getDag(dagId: string): Promise<DagResponse> {
    return toDagResponse(await requireDag(this.database.db, dagId), this.config);
  }

  async setPaused(dagId: string, paused: boolean): Promise<DagResponse> {
    if (!(await getDag(this.database.db, dagId))) await this.parse();
    const row = await setDagPaused(this.database.db, dagId, paused);
    await wakeScheduler(this.database.db, dagId);
    return toDagResponse(row, this.config);
  }

  async backfill(dagId: string, start: Date, end: Date): Promise<DagRunSummary[]> {
    if (!(await getDag(this.database.db, dagId))) await this.parse();
    const runs = await createBackfillRuns(this.database.db, dagId, start, end);
    await wakeScheduler(this.database.db, dagId);
    return runs.map(summary);
  }

  async createUser(user: { username: string; password: string; role: UserRole; email?: string | undefined }): Promise<{ username: string; role: string }> {
    const row = await createUser(this.database.db, { username: user.username, passwordHash: await hashPassword(user.password), role: user.role, email: user.email });
    return { username: row.username, role: row.role };
  }

  close(): Promise<void> {
    return this.database.close();
  }

  /** Parses the folder and records it, once per command (`dags list` lists DAGs and counts errors). */
  private parse(): Promise<void> {
    this.parsed ??= (async () => {
      const bag = await (this.prefetched ?? parseDagsFolder(this.config));
      await recordDagBag(this.database.db, bag, { pausedAtCreation: this.config.dagsArePausedAtCreation });
    })();
    return this.parsed;
  }
}

/** Parses the DAGs folder in child processes, as the scheduler's DAG processor does (type-checked with UPDRAFT_DAGS_TYPECHECK). */
export function parseDagsFolder(config: FrozenConfig): Promise<DagBagResult> {
  return parseFolder({ dagsFolder: config.dagsFolder, fileTimeoutMs: config.dagImportTimeoutMs, typecheck: config.dagsTypecheck });
}

function summary(run: DagRunRow): DagRunSummary {
  return { dag_id: run.dagId, dag_run_id: run.runId, state: run.state, logical_date: run.logicalDate.toISOString() };
}
