// A run's actions, as in Airflow's grid: clear (run every task again), mark success, mark failed,
// delete. Each asks first and goes through the REST API; live events refresh the pages.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useNavigate } from "react-router";
import { clearDagRun, deleteDagRun, markDagRun } from "../api/actions.ts";
import { path } from "../api/client.ts";
import { keys } from "../api/keys.ts";
import { ConfirmDialog } from "./confirm-dialog.tsx";

type RunAction = "clear" | "success" | "failed" | "delete";

const COPY: Record<RunAction, { title: string; body: string; confirm: string }> = {
  clear: { title: "Clear this run?", body: "Every task instance of the run is cleared and runs again; the run goes back to queued.", confirm: "Clear run" },
  success: { title: "Mark this run success?", body: "The run and its unfinished task instances are set to success.", confirm: "Mark success" },
  failed: { title: "Mark this run failed?", body: "The run and its unfinished task instances are set to failed.", confirm: "Mark failed" },
  delete: { title: "Delete this run?", body: "The run, its task instances, their logs and results are deleted. This cannot be undone.", confirm: "Delete run" },
};

export function RunActions({ dagId, runId, leaveOnDelete }: { dagId: string; runId: string; leaveOnDelete?: boolean }) {
  const client = useQueryClient();
  const navigate = useNavigate();
  const [open, setOpen] = useState<RunAction | null>(null);
  const action = useMutation({
    mutationFn: async (what: RunAction) => {
      if (what === "clear") await clearDagRun(dagId, runId);
      else if (what === "delete") await deleteDagRun(dagId, runId);
      else await markDagRun(dagId, runId, what);
      return what;
    },
    onSuccess: async (what) => {
      setOpen(null);
      if (what === "delete") {
        client.removeQueries({ queryKey: keys.run(dagId, runId) });
        if (leaveOnDelete) void navigate(path`/dags/${dagId}`);
      }
      await client.invalidateQueries({ queryKey: keys.dag(dagId) });
    },
  });
  const button = (what: RunAction, label: string, className: string) => (
    <button
      type="button"
      className={`btn btn-sm ${className}`}
      data-testid={`run-action-${what}`}
      onClick={() => {
        action.reset();
        setOpen(what);
      }}
    >
      {label}
    </button>
  );
  return (
    <div className="action-row">
      {button("clear", "↻ Clear", "")}
      {button("success", "Mark success", "btn-success")}
      {button("failed", "Mark failed", "btn-danger")}
      {button("delete", "Delete", "btn-danger")}
      {open && (
        <ConfirmDialog
          title={COPY[open].title}
          confirmLabel={COPY[open].confirm}
          danger={open === "delete" || open === "failed"}
          pending={action.isPending}
          error={action.error}
          onConfirm={() => action.mutate(open)}
          onClose={() => setOpen(null)}
        >
          <p>
            <code>{runId}</code>
          </p>
          <p className="muted">{COPY[open].body}</p>
        </ConfirmDialog>
      )}
    </div>
  );
}
