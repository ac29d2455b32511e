// Trigger a DAG run with conf: a form built from the DAG's params, each rendered by its JSON Schema
// type (number, enum select, string with format such as date, boolean checkbox) with its default
// prefilled, and a raw JSON editor for anything else. The API validates the params; its 400
// names the param, and the message shows beside that param's field.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useNavigate } from "react-router";
import { api, path } from "../api/client.ts";
import { keys } from "../api/keys.ts";
import { useDagDetail } from "../api/queries.ts";
import type { DagRun } from "../api/types.ts";
import { confFromFields, inputTypeForFormat, initialValue, paramFields, paramNamedIn, type FieldValue, type ParamField } from "../lib/param-fields.ts";
import { ErrorBox, Loading } from "./common.tsx";

function ParamInput({ field, value, onChange }: { field: ParamField; value: FieldValue; onChange: (v: FieldValue) => void }) {
  const { kind, schema, name } = field;
  const testId = `param-${name}`;
  switch (kind.kind) {
    case "boolean":
      return <input type="checkbox" checked={value === true} onChange={(e) => onChange(e.target.checked)} data-testid={testId} />;
    case "enum":
      return (
        <select value={String(value)} onChange={(e) => onChange(e.target.value)} data-testid={testId}>
          {value === "" && <option value="">— choose —</option>}
          {kind.options.map((o, i) => (
            <option key={i} value={String(i)}>
              {typeof o === "string" ? o : JSON.stringify(o)}
            </option>
          ))}
        </select>
      );
    case "number":
      return (
        <input
          type="number"
          step={kind.integer ? 1 : "any"}
          min={schema?.minimum}
          max={schema?.maximum}
          value={String(value)}
          onChange={(e) => onChange(e.target.value)}
          data-testid={testId}
        />
      );
    case "string":
      return (
        <input
          type={inputTypeForFormat(kind.format)}
          value={String(value)}
          minLength={schema?.minLength}
          maxLength={schema?.maxLength}
          placeholder={kind.format === "date-time" ? "2026-01-01T00:00:00Z" : undefined}
          onChange={(e) => onChange(e.target.value)}
          data-testid={testId}
        />
      );
    case "json":
      return <textarea rows={3} className="mono" value={String(value)} onChange={(e) => onChange(e.target.value)} data-testid={testId} />;
  }
}

/** What the schema allows, in a few words: "integer, 1 to 100", "string (date)". */
function constraintText(field: ParamField): string {
  const s = field.schema;
  if (!s) return "";
  const parts: string[] = [];
  const k = field.kind;
  if (k.kind === "number") parts.push(k.integer ? "integer" : "number");
  if (k.kind === "string") parts.push(k.format ? `string (${k.format})` : "string");
  if (k.kind === "enum") parts.push(`one of ${k.options.length}`);
  if (s.minimum !== undefined && s.maximum !== undefined) parts.push(`${s.minimum} to ${s.maximum}`);
  else if (s.minimum !== undefined) parts.push(`≥ ${s.minimum}`);
  else if (s.maximum !== undefined) parts.push(`≤ ${s.maximum}`);
  if (field.def === undefined) parts.push("required");
  return parts.join(", ");
}

export function TriggerDialog({ dagId, onClose }: { dagId: string; onClose: () => void }) {
  const detail = useDagDetail(dagId);
  const client = useQueryClient();
  const navigate = useNavigate();
  const [values, setValues] = useState<Record<string, FieldValue>>({});
  const [rawMode, setRawMode] = useState(false);
  const [raw, setRaw] = useState("{}");
  const [runId, setRunId] = useState("");
  const [formError, setFormError] = useState<string | null>(null);
  const fields = paramFields(detail.data?.params ?? {}, detail.data?.param_schemas);
  const valueOf = (f: ParamField) => values[f.name] ?? initialValue(f.kind, f.def);

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
      const conf = rawMode ? (JSON.parse(raw) as Record<string, unknown>) : confFromFields(fields, values);
      if (conf === null || typeof conf !== "object" || Array.isArray(conf)) throw new Error("conf must be a JSON object");
      trigger.mutate(conf);
    } catch (error) {
      setFormError(error instanceof Error ? error.message : String(error));
    }
  };

  // The API's 400 names the param ("param \"rows\" of DAG …"): show it beside that field too.
  const apiMessage = trigger.error instanceof Error ? trigger.error.message : undefined;
  const failedParam = apiMessage === undefined ? undefined : paramNamedIn(apiMessage);
  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      {/* noValidate: the API checks params against their schemas and names the one that fails. */}
      <form className="modal" onSubmit={submit} role="dialog" aria-label={`Trigger ${dagId}`} noValidate>
        <h2>Trigger {dagId}</h2>
        {detail.isPending && <Loading what="Loading params" />}
        {detail.error && <ErrorBox error={detail.error} />}
        {detail.data && (
          <>
            <label className="field">
              <span>Run id (optional)</span>
              <input value={runId} onChange={(e) => setRunId(e.target.value)} placeholder="manual__<time>" />
            </label>
            {!rawMode && fields.length === 0 && <p className="muted">This DAG declares no params; it runs with an empty conf.</p>}
            {!rawMode &&
              fields.map((field) => {
                const help = [field.schema?.description, constraintText(field)].filter(Boolean).join(" · ");
                return (
                  <label key={field.name} className={field.kind.kind === "boolean" ? "field field-check" : "field"} data-testid={`param-field-${field.name}`} data-kind={field.kind.kind}>
                    <span>{field.schema?.title ?? field.name}</span>
                    <ParamInput field={field} value={valueOf(field)} onChange={(v) => setValues({ ...values, [field.name]: v })} />
                    {help && field.kind.kind !== "boolean" && <small className="param-help">{help}</small>}
                    {failedParam === field.name && (
                      <small className="bad" data-testid={`param-error-${field.name}`}>
                        {apiMessage}
                      </small>
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
                if (!rawMode) setRaw(JSON.stringify(safeConf(fields, values), null, 2));
                setRawMode(!rawMode);
              }}
            >
              {rawMode ? "Use the form" : "Edit conf as JSON"}
            </button>
          </>
        )}
        {formError && <div className="alert alert-error">{formError}</div>}
        {/* Shown once: beside the param's field when the form shows it, else here. */}
        {trigger.error && (rawMode || !fields.some((f) => f.name === failedParam)) && <ErrorBox error={trigger.error} />}
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

function safeConf(fields: readonly ParamField[], values: Record<string, FieldValue>): Record<string, unknown> {
  try {
    return confFromFields(fields, values);
  } catch {
    return {};
  }
}
