// Variables (Op and Admin, as Airflow's Admin → Variables): the keys with their descriptions, a
// value shown on request (lists leave values out, as Airflow's API does), and create, edit and
// delete through /api/v1/variables.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { deleteVariable, saveVariable } from "../api/actions.ts";
import { keys } from "../api/keys.ts";
import { useVariable, useVariables } from "../api/queries.ts";
import type { VariableItem } from "../api/types.ts";
import { ErrorBox, Loading, PageHeader } from "../components/common.tsx";
import { DeleteDialog } from "../components/delete-dialog.tsx";
import { useCanAct } from "../lib/roles.ts";

/** Whether a value is JSON text, as `Variable.get(key, { deserializeJson: true })` would read it. */
export function isJsonText(value: string): boolean {
  try {
    JSON.parse(value);
    return true;
  } catch {
    return false;
  }
}

function VariableDialog({ variable, onClose }: { variable?: VariableItem; onClose: () => void }) {
  const client = useQueryClient();
  const stored = useVariable(variable?.key);
  const [form, setForm] = useState<{ key: string; value: string | null; description: string }>({
    key: variable?.key ?? "",
    value: variable ? null : "",
    description: variable?.description ?? "",
  });
  // An edit starts from the stored value once it has loaded.
  const value = form.value ?? stored.data?.value ?? "";
  const save = useMutation({
    mutationFn: () => saveVariable({ key: form.key.trim(), value, description: form.description.trim() === "" ? null : form.description.trim() }),
    onSuccess: async () => {
      onClose();
      await client.invalidateQueries({ queryKey: keys.variables });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  const title = variable ? `Edit variable ${variable.key}` : "Add a variable";
  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <form className="modal" onSubmit={submit} role="dialog" aria-label={title}>
        <h2>{title}</h2>
        <label className="field">
          <span>Key</span>
          <input required value={form.key} disabled={variable !== undefined} onChange={(e) => setForm({ ...form, key: e.target.value })} />
        </label>
        <label className="field">
          <span>Value</span>
          {variable && stored.isPending ? (
            <Loading what="Loading the value" />
          ) : (
            <textarea rows={5} className="mono" value={value} onChange={(e) => setForm({ ...form, value: e.target.value })} data-testid="variable-value-input" />
          )}
          <small className="muted">
            {value !== "" && isJsonText(value) ? "Valid JSON: tasks can read it with deserializeJson." : "Text. Enter JSON to store a structured value."}
          </small>
        </label>
        <label className="field">
          <span>Description</span>
          <input value={form.description} onChange={(e) => setForm({ ...form, description: e.target.value })} />
        </label>
        {stored.error && <ErrorBox error={stored.error} />}
        {save.error && <ErrorBox error={save.error} />}
        <div className="modal-actions">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={save.isPending || (variable !== undefined && stored.isPending)} data-testid="variable-save">
            {variable ? "Save" : "Add variable"}
          </button>
        </div>
      </form>
    </div>
  );
}

function DeleteVariable({ name, onClose }: { name: string; onClose: () => void }) {
  return (
    <DeleteDialog what="variable" name={name} remove={() => deleteVariable(name)} listKey={keys.variables} onClose={onClose}>
      <p className="muted">Tasks that read it get their default, or fail if they give none. An UPDRAFT_VAR_ environment variable still wins over the database.</p>
    </DeleteDialog>
  );
}

/** The value of one variable, fetched when asked for. */
function RevealValue({ name }: { name: string }) {
  const [shown, setShown] = useState(false);
  const variable = useVariable(shown ? name : undefined);
  if (!shown) {
    return (
      <button type="button" className="btn-link" onClick={() => setShown(true)} data-testid={`variable-show-${name}`}>
        Show
      </button>
    );
  }
  if (variable.error) return <ErrorBox error={variable.error} />;
  return (
    <code className="value-cell" data-testid={`variable-value-${name}`}>
      {variable.data?.value ?? "…"}
    </code>
  );
}

export function VariablesPage() {
  const canAct = useCanAct();
  const variables = useVariables(canAct);
  const [editing, setEditing] = useState<VariableItem | "new" | null>(null);
  const [deleting, setDeleting] = useState<string | null>(null);
  return (
    <>
      <PageHeader
        title="Variables"
        subtitle={
          <>
            Key/value settings tasks read with <code>Variable.get(key)</code>; an <code>UPDRAFT_VAR_&lt;KEY&gt;</code> environment variable overrides the database
          </>
        }
        actions={
          canAct ? (
            <button type="button" className="btn btn-primary" onClick={() => setEditing("new")} data-testid="variable-create">
              + Add variable
            </button>
          ) : undefined
        }
      />
      {!canAct && <div className="empty">Variables need the Op or Admin role.</div>}
      {variables.error && <ErrorBox error={variables.error} />}
      {canAct &&
        (variables.isPending ? (
          <Loading />
        ) : variables.data?.variables.length === 0 ? (
          <div className="empty" data-testid="variables-empty">
            No variables yet. Add one here or with <code>updraft variables set KEY VALUE</code>.
          </div>
        ) : (
          <div className="table-wrap">
            <table className="table" data-testid="variables-table">
              <thead>
                <tr>
                  <th>Key</th>
                  <th>Value</th>
                  <th>Description</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {variables.data?.variables.map((v) => (
                  <tr key={v.key} data-testid={`variable-row-${v.key}`}>
                    <td className="strong mono">{v.key}</td>
                    <td>
                      <RevealValue name={v.key} />
                    </td>
                    <td className="muted">{v.description ?? ""}</td>
                    <td>
                      <span className="row-actions">
                        <button type="button" className="btn btn-sm" onClick={() => setEditing(v)} data-testid={`variable-edit-${v.key}`}>
                          Edit
                        </button>
                        <button type="button" className="btn btn-sm btn-danger" onClick={() => setDeleting(v.key)} data-testid={`variable-delete-${v.key}`}>
                          Delete
                        </button>
                      </span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ))}
      {editing && <VariableDialog variable={editing === "new" ? undefined : editing} onClose={() => setEditing(null)} />}
      {deleting && <DeleteVariable name={deleting} onClose={() => setDeleting(null)} />}
    </>
  );
}
