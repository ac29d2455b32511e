// Trigger a DAG run with conf: a form built from the DAG's params (their defaults prefilled, typed
// inputs for numbers, booleans and strings), with a raw JSON editor for anything else.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useNavigate } from "react-router";
import { api, path } from "../api/client.ts";
import { keys } from "../api/keys.ts";
import { useDagDetail } from "../api/queries.ts";
import type { DagRun } from "../api/types.ts";
import { ErrorBox, Loading } from "./common.tsx";

type FieldValue = string | boolean;

function initialFields(params: Record<string, unknown>): Record<string, FieldValue> {
  return Object.fromEntries(
    Object.entries(params).map(([k, v]) => [k, typeof v === "boolean" ? v : typeof v === "string" ? v : JSON.stringify(v)]),
  );
}

/** The conf from the form: each field parsed back to the type of its default. */
export function confFromFields(params: Record<string, unknown>, fields: Record<string, FieldValue>): Record<string, unknown> {
  const conf: Record<string, unknown> = {};
  for (const [key, def] of Object.entries(params)) {
    const value = fields[key];
    if (typeof def === "boolean") conf[key] = value === true;
    else if (typeof def === "string") conf[key] = String(value ?? "");
    else {
      try {
        conf[key] = JSON.parse(String(value));
      } catch {
        throw new Error(`"${key}" must be JSON (for example ${JSON.stringify(def)})`);
      }
    }
  }
  return conf;
}

export function TriggerDialog({ dagId, onClose }: { dagId: string; onClose: () => void }) {
  const detail = useDagDetail(dagId);
  const client = useQueryClient();
  const navigate = useNavigate();
  const [fields, setFields] = useState<Record<string, FieldValue> | null>(null);
  const [rawMode, setRawMode] = useState(false);
  const [raw, setRaw] = useState("{}");
  const [runId, setRunId] = useState("");
  const [formError, setFormError] = useState<string | null>(null);
  const params = detail.data?.params ?? {};
  const current = fields ?? initialFields(params);

  const trigger = useMutation({
    mutationFn: (conf: Record<string, unknown>) =>
      api<DagRun>(path`/api/v1/dags/${dagId}/dagRuns`, { method: "POST", body: runId.trim() === "" ? { conf } : { conf, dag_run_id: runId.trim() } }),
    onSuccess: async (run) => {
      await client.invalidateQueries({ queryKey: keys.runsOf(dagId) });
      onClose();
      void navigate(path`/dags/${dagId}` + `?run=${encodeURIComponent(run.dag_run_id)}`);
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setFormError(null);
    try {
      const conf = rawMode ? (JSON.parse(raw) as Record<string, unknown>) : confFromFields(params, current);
      if (conf === null || typeof conf !== "object" || Array.isArray(conf)) throw new Error("conf must be a JSON object");
      trigger.mutate(conf);
    } catch (error) {
      setFormError(error instanceof Error ? error.message : String(error));
    }
  };

  const names = Object.keys(params);
  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <form className="modal" onSubmit={submit} role="dialog" aria-label={`Trigger ${dagId}`}>
        <h2>Trigger {dagId}</h2>
        {detail.isPending && <Loading what="Loading params" />}
        {detail.error && <ErrorBox error={detail.error} />}
        {detail.data && (
          <>
            <label className="field">
              <span>Run id (optional)</span>
              <input value={runId} onChange={(e) => setRunId(e.target.value)} placeholder="manual__<time>" />
            </label>
            {!rawMode && names.length === 0 && <p className="muted">This DAG declares no params; it runs with an empty conf.</p>}
            {!rawMode &&
              names.map((name) => {
                const def = params[name];
                const value = current[name];
                return (
                  <label key={name} className={typeof def === "boolean" ? "field field-check" : "field"}>
                    <span>{name}</span>
                    {typeof def === "boolean" ? (
                      <input type="checkbox" checked={value === true} onChange={(e) => setFields({ ...current, [name]: e.target.checked })} />
                    ) : typeof def === "number" ? (
                      <input type="number" step="any" value={String(value)} onChange={(e) => setFields({ ...current, [name]: e.target.value })} />
                    ) : typeof def === "string" ? (
                      <input value={String(value)} onChange={(e) => setFields({ ...current, [name]: e.target.value })} />
                    ) : (
                      <textarea rows={3} className="mono" value={String(value)} onChange={(e) => setFields({ ...current, [name]: e.target.value })} />
                    )}
                  </label>
                );
              })}
            {rawMode && (
              <label className="field">
                <span>conf (JSON object)</span>
                <textarea rows={8} className="mono" value={raw} onChange={(e) => setRaw(e.target.value)} />
              </label>
            )}
            <button
              type="button"
              className="btn-link"
              onClick={() => {
                if (!rawMode) setRaw(JSON.stringify(safeConf(params, current), null, 2));
                setRawMode(!rawMode);
              }}
            >
              {rawMode ? "Use the form" : "Edit conf as JSON"}
            </button>
          </>
        )}
        {formError && <div className="alert alert-error">{formError}</div>}
        {trigger.error && <ErrorBox error={trigger.error} />}
        <div className="modal-actions">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={trigger.isPending || !detail.data} data-testid="trigger-submit">
            {trigger.isPending ? "Triggering…" : "Trigger"}
          </button>
        </div>
      </form>
    </div>
  );
}

function safeConf(params: Record<string, unknown>, fields: Record<string, FieldValue>): Record<string, unknown> {
  try {
    return confFromFields(params, fields);
  } catch {
    return params;
  }
}
