// Run ids a user may give a manual run, as Airflow 2.6+ checks them: the characters of
// `[scheduler] allowed_run_id_pattern` (`^[A-Za-z0-9_.~:+-]+$`), at most 250 characters (its
// `run_id` column), and never a prefix Airflow reserves for the scheduler's own run types
// (`DAG.create_dagrun`: "A manual DAG run cannot use ID ... since it is reserved for ... runs").
import { UpdraftError } from "./errors.ts";

/** Airflow's default `allowed_run_id_pattern`. */
export const RUN_ID_PATTERN = /^[A-Za-z0-9_.~:+-]+$/;
/** Airflow's `ID_LEN`: the longest run id. */
export const MAX_RUN_ID_LENGTH = 250;
/** Run types whose `<type>__` prefix only the scheduler may use (Airflow's DagRunType values). */
export const RESERVED_RUN_TYPES = ["scheduled", "backfill", "dataset_triggered", "asset_triggered"] as const;

/**
 * Checks a run id given for a manual run.
 * @throws UpdraftError UPDRAFT_INVALID_INPUT (HTTP 400) naming the rule it breaks: empty, longer
 *   than 250 characters, characters outside `A-Z a-z 0-9 _ . ~ : + -`, or a reserved prefix
 *   (`scheduled__`, `backfill__`, `dataset_triggered__`, `asset_triggered__`).
 */
export function validateManualRunId(runId: string): void {
  const fail = (rule: string) =>
    new UpdraftError("UPDRAFT_INVALID_INPUT", `run id "${runId.length > 80 ? `${runId.slice(0, 80)}…` : runId}" is not allowed: ${rule}`, {
      details: { field: "dag_run_id" },
    });
  if (runId.length === 0) throw fail("it is empty");
  if (runId.length > MAX_RUN_ID_LENGTH) throw fail(`it has ${runId.length} characters, more than ${MAX_RUN_ID_LENGTH}`);
  if (!RUN_ID_PATTERN.test(runId)) throw fail(`it must match ${RUN_ID_PATTERN.source} (letters, digits and _ . ~ : + -)`);
  const prefix = runId.split("__")[0];
  if (runId.includes("__") && (RESERVED_RUN_TYPES as readonly string[]).includes(prefix!)) {
    throw fail(`the prefix "${prefix}__" is reserved for ${prefix} runs created by the scheduler`);
  }
}
