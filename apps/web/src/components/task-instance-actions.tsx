// A task instance's actions, as in Airflow: clear or mark success/failed, each with the options
// upstream, downstream, past and future, and the list of task instances the choice affects
// (asked of the API with dry_run) before anything changes.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { clearTaskInstance, markTaskInstance, NO_RELATIVES, type Relatives } from "../api/actions.ts";
import { keys } from "../api/keys.ts";
import { ConfirmDialog } from "./confirm-dialog.tsx";

type TiAction = "clear" | "success" | "failed";

const LABELS: Record<TiAction, string> = { clear: "Clear", success: "Mark success", failed: "Mark failed" };
const OPTIONS: Array<{ key: keyof Relatives; label: string }> = [
  { key: "downstream", label: "Downstream" },
  { key: "upstream", label: "Upstream" },
  { key: "past", label: "Past" },
  { key: "future", label: "Future" },
];

function run(dagId: string, runId: string, taskId: string, what: TiAction, relatives: Relatives, dryRun: boolean) {
  return what === "clear" ? clearTaskInstance(dagId, runId, taskId, relatives, dryRun) : markTaskInstance(dagId, runId, taskId, what, relatives, dryRun);
}

function TaskInstanceActionDialog({ dagId, runId, taskId, what, onClose }: { dagId: string; runId: string; taskId: string; what: TiAction; onClose: () => void }) {
  const client = useQueryClient();
  const [relatives, setRelatives] = useState<Relatives>(what === "clear" ? { ...NO_RELATIVES, downstream: true } : NO_RELATIVES);
  const preview = useQuery({
    queryKey: ["ti-action-preview", dagId, runId, taskId, what, relatives],
    queryFn: () => run(dagId, runId, taskId, what, relatives, true),
    retry: false,
    staleTime: 0,
  });
  const act = useMutation({
    mutationFn: () => run(dagId, runId, taskId, what, relatives, false),
    onSuccess: async () => {
      onClose();
      await client.invalidateQueries({ queryKey: keys.dag(dagId) });
    },
  });
  const affected = preview.data?.task_instances ?? [];
  return (
    <ConfirmDialog
      title={`${LABELS[what]}: ${taskId}`}
      confirmLabel={LABELS[what]}
      danger={what === "failed"}
      pending={act.isPending}
      error={act.error}
      onConfirm={() => act.mutate()}
      onClose={onClose}
    >
      <fieldset className="option-row" aria-label="Also affect">
        {OPTIONS.map((o) => (
          <label key={o.key} className="check">
            <input
              type="checkbox"
              checked={relatives[o.key]}
              onChange={(e) => setRelatives({ ...relatives, [o.key]: e.target.checked })}
              data-testid={`option-${o.key}`}
            />{" "}
            {o.label}
          </label>
        ))}
      </fieldset>
      <div className="affected" data-testid="affected">
        {preview.isPending && <span className="muted">Finding the affected task instances…</span>}
        {preview.error && <span className="muted">Could not list the affected task instances: {preview.error.message}</span>}
        {preview.data && (
          <>
            <div className="muted small">
              {affected.length} task instance{affected.length === 1 ? "" : "s"} affected
            </div>
            <ul className="affected-list mono small">
              {affected.map((t) => (
                <li key={`${t.dag_run_id}/${t.task_id}`}>
                  {t.task_id} <span className="muted">· {t.dag_run_id}</span>
                </li>
              ))}
            </ul>
          </>
        )}
      </div>
    </ConfirmDialog>
  );
}

export function TaskInstanceActions({ dagId, runId, taskId }: { dagId: string; runId: string; taskId: string }) {
  const [open, setOpen] = useState<TiAction | null>(null);
  return (
    <div className="action-row">
      <button type="button" className="btn btn-sm" onClick={() => setOpen("clear")} data-testid="ti-action-clear" title="Run this task again with fresh retries">
        ↻ Clear
      </button>
      <button type="button" className="btn btn-sm btn-success" onClick={() => setOpen("success")} data-testid="ti-action-success">
        Mark success
      </button>
      <button type="button" className="btn btn-sm btn-danger" onClick={() => setOpen("failed")} data-testid="ti-action-failed">
        Mark failed
      </button>
      {open && <TaskInstanceActionDialog dagId={dagId} runId={runId} taskId={taskId} what={open} onClose={() => setOpen(null)} />}
    </div>
  );
}
