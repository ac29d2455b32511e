// Connections (Op and Admin, as Airflow's Admin → Connections): list, add, edit, test and delete
// through /api/v1/connections. A password is never shown: the API does not answer it, the list
// shows a mask, and an edit leaves it as it is unless a new one is typed.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { createConnection, deleteConnection, testConnection, updateConnection, type ConnectionInput } from "../api/actions.ts";
import { keys } from "../api/keys.ts";
import { useConnection, useConnections } from "../api/queries.ts";
import type { Connection } from "../api/types.ts";
import { ErrorBox, Loading, PageHeader } from "../components/common.tsx";
import { DeleteDialog } from "../components/delete-dialog.tsx";
import { useCanAct } from "../lib/roles.ts";

/** The types `/connections/test` can reach, and a few common others (any type may be typed). */
const CONN_TYPES = ["postgres", "redis", "http", "https", "mysql", "s3", "aws", "ftp", "sftp", "smtp", "generic"];

const MASK = "••••••••";

interface FormState {
  connection_id: string;
  conn_type: string;
  description: string;
  host: string;
  login: string;
  schema: string;
  port: string;
  extra: string;
  /** What was typed; empty on an edit means "keep the stored password". */
  password: string;
}

const blank = (s: string) => (s.trim() === "" ? null : s.trim());

/** The API body from the form; `password` is left out when `keepPassword` (an edit with the field empty). */
export function connectionInput(form: FormState, keepPassword: boolean): ConnectionInput {
  const port = form.port.trim() === "" ? null : Number(form.port);
  if (port !== null && (!Number.isInteger(port) || port < 0 || port > 65535)) throw new Error("Port must be a whole number from 0 to 65535");
  const extra = blank(form.extra);
  if (extra !== null) {
    try {
      JSON.parse(extra);
    } catch {
      throw new Error("Extra must be JSON, for example {\"sslmode\": \"require\"}");
    }
  }
  const input: ConnectionInput = {
    connection_id: form.connection_id.trim(),
    conn_type: form.conn_type.trim(),
    description: blank(form.description),
    host: blank(form.host),
    login: blank(form.login),
    schema: blank(form.schema),
    port,
    extra,
  };
  if (!keepPassword || form.password !== "") input.password = form.password === "" ? null : form.password;
  return input;
}

function ConnectionDialog({ connection, onClose }: { connection?: Connection; onClose: () => void }) {
  const client = useQueryClient();
  // The list leaves out extra; an edit reads the whole connection (still without its password).
  const stored = useConnection(connection?.connection_id);
  const c = stored.data ?? connection;
  const [edited, setEdited] = useState<Partial<FormState>>({});
  const form: FormState = {
    connection_id: c?.connection_id ?? "",
    conn_type: c?.conn_type ?? "postgres",
    description: c?.description ?? "",
    host: c?.host ?? "",
    login: c?.login ?? "",
    schema: c?.schema ?? "",
    port: c?.port === null || c?.port === undefined ? "" : String(c.port),
    extra: c?.extra ?? "",
    password: "",
    ...edited,
  };
  const set = (field: keyof FormState) => (e: { target: { value: string } }) => setEdited({ ...edited, [field]: e.target.value });
  const [formError, setFormError] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: (input: ConnectionInput) => (connection ? updateConnection(input) : createConnection(input)),
    onSuccess: async () => {
      onClose();
      await client.invalidateQueries({ queryKey: keys.connections });
    },
  });
  const test = useMutation({ mutationFn: (input: ConnectionInput) => testConnection(input) });
  const build = (): ConnectionInput | null => {
    setFormError(null);
    try {
      return connectionInput(form, connection !== undefined);
    } catch (error) {
      setFormError(error instanceof Error ? error.message : String(error));
      return null;
    }
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const input = build();
    if (input) save.mutate(input);
  };
  const title = connection ? `Edit connection ${connection.connection_id}` : "Add a connection";
  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <form className="modal modal-wide" onSubmit={submit} role="dialog" aria-label={title}>
        <h2>{title}</h2>
        <div className="field-grid">
          <label className="field">
            <span>Connection id</span>
            <input required value={form.connection_id} disabled={connection !== undefined} onChange={set("connection_id")} pattern="[A-Za-z0-9_.\-]+" />
          </label>
          <label className="field">
            <span>Type</span>
            <input required list="conn-types" value={form.conn_type} onChange={set("conn_type")} />
            <datalist id="conn-types">
              {CONN_TYPES.map((t) => (
                <option key={t} value={t} />
              ))}
            </datalist>
          </label>
          <label className="field">
            <span>Host</span>
            <input value={form.host} onChange={set("host")} />
          </label>
          <label className="field">
            <span>Port</span>
            <input type="number" min={0} max={65535} value={form.port} onChange={set("port")} />
          </label>
          <label className="field">
            <span>Schema</span>
            <input value={form.schema} onChange={set("schema")} placeholder="database, path or db number" />
          </label>
          <label className="field">
            <span>Login</span>
            <input value={form.login} onChange={set("login")} autoComplete="off" />
          </label>
          <label className="field">
            <span>Password</span>
            <input
              type="password"
              value={form.password}
              onChange={set("password")}
              autoComplete="new-password"
              placeholder={connection ? "unchanged (type to replace)" : ""}
              data-testid="connection-password"
            />
          </label>
          <label className="field">
            <span>Description</span>
            <input value={form.description} onChange={set("description")} />
          </label>
        </div>
        <label className="field">
          <span>Extra (JSON)</span>
          <textarea rows={3} className="mono" value={form.extra} onChange={set("extra")} placeholder='{"sslmode": "require"}' />
        </label>
        {formError && <div className="alert alert-error">{formError}</div>}
        {stored.error && <ErrorBox error={stored.error} />}
        {save.error && <ErrorBox error={save.error} />}
        {test.error && <ErrorBox error={test.error} />}
        {test.data && (
          <div className={test.data.status ? "alert alert-ok" : "alert alert-error"} role="status" data-testid="connection-test-result" data-status={String(test.data.status)}>
            {test.data.status ? "✓ " : "✗ "}
            {test.data.message}
          </div>
        )}
        <div className="modal-actions">
          <button
            type="button"
            className="btn"
            disabled={test.isPending}
            onClick={() => {
              const input = build();
              if (input) test.mutate(input);
            }}
            data-testid="connection-test"
            title="Tries to reach it with these fields (postgres, redis, http); an unchanged password is the stored one"
          >
            {test.isPending ? "Testing…" : "Test"}
          </button>
          <span className="spacer" />
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={save.isPending || (connection !== undefined && stored.isPending)} data-testid="connection-save">
            {connection ? "Save" : "Add connection"}
          </button>
        </div>
      </form>
    </div>
  );
}

function DeleteConnection({ id, onClose }: { id: string; onClose: () => void }) {
  return (
    <DeleteDialog what="connection" name={id} remove={() => deleteConnection(id)} listKey={keys.connections} onClose={onClose}>
      <p className="muted">Tasks that call Connection.get(&quot;{id}&quot;) fail until it exists again (or UPDRAFT_CONN_ names it).</p>
    </DeleteDialog>
  );
}

export function ConnectionsPage() {
  const canAct = useCanAct();
  const connections = useConnections(canAct);
  const [editing, setEditing] = useState<Connection | "new" | null>(null);
  const [deleting, setDeleting] = useState<string | null>(null);
  return (
    <>
      <PageHeader
        title="Connections"
        subtitle={
          <>
            Where tasks connect, read with <code>Connection.get(id)</code>; passwords and extras are encrypted at rest and never shown
          </>
        }
        actions={
          canAct ? (
            <button type="button" className="btn btn-primary" onClick={() => setEditing("new")} data-testid="connection-create">
              + Add connection
            </button>
          ) : undefined
        }
      />
      {!canAct && <div className="empty">Connections need the Op or Admin role.</div>}
      {connections.error && <ErrorBox error={connections.error} />}
      {canAct &&
        (connections.isPending ? (
          <Loading />
        ) : connections.data?.connections.length === 0 ? (
          <div className="empty" data-testid="connections-empty">
            No connections yet. Add one here or with <code>updraft connections add ID --conn-uri URI</code>.
          </div>
        ) : (
          <div className="table-wrap">
            <table className="table" data-testid="connections-table">
              <thead>
                <tr>
                  <th>Connection id</th>
                  <th>Type</th>
                  <th>Host</th>
                  <th className="right">Port</th>
                  <th>Schema</th>
                  <th>Login</th>
                  <th>Password</th>
                  <th>Description</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {connections.data?.connections.map((c) => (
                  <tr key={c.connection_id} data-testid={`connection-row-${c.connection_id}`}>
                    <td className="strong mono">{c.connection_id}</td>
                    <td>
                      <span className="tag">{c.conn_type}</span>
                    </td>
                    <td className="mono small">{c.host ?? ""}</td>
                    <td className="right">{c.port ?? ""}</td>
                    <td className="mono small">{c.schema ?? ""}</td>
                    <td className="mono small">{c.login ?? ""}</td>
                    <td className="muted" title="Passwords are never shown">
                      {MASK}
                    </td>
                    <td className="muted">{c.description ?? ""}</td>
                    <td>
                      <span className="row-actions">
                        <button type="button" className="btn btn-sm" onClick={() => setEditing(c)} data-testid={`connection-edit-${c.connection_id}`}>
                          Edit / test
                        </button>
                        <button type="button" className="btn btn-sm btn-danger" onClick={() => setDeleting(c.connection_id)} data-testid={`connection-delete-${c.connection_id}`}>
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
      {editing && <ConnectionDialog connection={editing === "new" ? undefined : editing} onClose={() => setEditing(null)} />}
      {deleting && <DeleteConnection id={deleting} onClose={() => setDeleting(null)} />}
    </>
  );
}
