// Pools: slots in use by running and queued task instances, and what is still open. Admins
// create, edit and delete pools here (through /api/v1/pools, as Airflow's pool list does).
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { createPool, deletePool, updatePool, type PoolInput } from "../api/actions.ts";
import { keys } from "../api/keys.ts";
import { usePools } from "../api/queries.ts";
import type { Pool } from "../api/types.ts";
import { ErrorBox, Loading, PageHeader } from "../components/common.tsx";
import { DeleteDialog } from "../components/delete-dialog.tsx";
import { useIsAdmin } from "../lib/roles.ts";

const DEFAULT_POOL = "default_pool";

/** Create (no `pool`) or edit a pool: name, slots, description. */
function PoolDialog({ pool, onClose }: { pool?: Pool; onClose: () => void }) {
  const client = useQueryClient();
  const [form, setForm] = useState({ name: pool?.name ?? "", slots: String(pool?.slots ?? 8), description: pool?.description ?? "" });
  const save = useMutation({
    mutationFn: (input: PoolInput) => (pool ? updatePool(pool.name, { slots: input.slots, description: input.description }) : createPool(input)),
    onSuccess: async () => {
      onClose();
      await client.invalidateQueries({ queryKey: keys.pools });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate({ name: form.name.trim(), slots: Number(form.slots), description: form.description.trim() === "" ? null : form.description.trim() });
  };
  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <form className="modal" onSubmit={submit} role="dialog" aria-label={pool ? `Edit pool ${pool.name}` : "Create a pool"}>
        <h2>{pool ? `Edit pool ${pool.name}` : "Create a pool"}</h2>
        <label className="field">
          <span>Name</span>
          <input required value={form.name} disabled={pool !== undefined} onChange={(e) => setForm({ ...form, name: e.target.value })} />
        </label>
        <label className="field">
          <span>Slots</span>
          <input required type="number" min={0} step={1} value={form.slots} onChange={(e) => setForm({ ...form, slots: e.target.value })} />
        </label>
        <label className="field">
          <span>Description</span>
          <input value={form.description} onChange={(e) => setForm({ ...form, description: e.target.value })} />
        </label>
        {save.error && <ErrorBox error={save.error} />}
        <div className="modal-actions">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={save.isPending} data-testid="pool-save">
            {pool ? "Save" : "Create pool"}
          </button>
        </div>
      </form>
    </div>
  );
}

function DeletePool({ name, onClose }: { name: string; onClose: () => void }) {
  return (
    <DeleteDialog what="pool" name={name} remove={() => deletePool(name)} listKey={keys.pools} onClose={onClose}>
      <p className="muted">Tasks that name this pool wait until a pool of that name exists again.</p>
    </DeleteDialog>
  );
}

export function PoolsPage() {
  const pools = usePools();
  const isAdmin = useIsAdmin();
  const [editing, setEditing] = useState<Pool | "new" | null>(null);
  const [deleting, setDeleting] = useState<string | null>(null);
  return (
    <>
      <PageHeader
        title="Pools"
        subtitle="Named slot counts: a task takes its poolSlots of its pool while queued or running"
        actions={
          isAdmin ? (
            <button type="button" className="btn btn-primary" onClick={() => setEditing("new")} data-testid="pool-create">
              + Create pool
            </button>
          ) : undefined
        }
      />
      {pools.error && <ErrorBox error={pools.error} />}
      {pools.isPending ? (
        <Loading />
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="pools-table">
            <thead>
              <tr>
                <th>Pool</th>
                <th>Usage</th>
                <th className="right">Slots</th>
                <th className="right">Running</th>
                <th className="right">Queued</th>
                <th className="right">Open</th>
                <th>Description</th>
                {isAdmin && <th />}
              </tr>
            </thead>
            <tbody>
              {pools.data?.pools.map((p) => (
                <tr key={p.name} data-testid={`pool-row-${p.name}`}>
                  <td className="strong">{p.name}</td>
                  <td>
                    <span className="meter wide" title={`${p.occupied_slots} of ${p.slots}`}>
                      <span className="meter-fill running" style={{ width: `${Math.min(100, (100 * p.running_slots) / Math.max(1, p.slots))}%` }} />
                      <span className="meter-fill queued" style={{ width: `${Math.min(100, (100 * p.queued_slots) / Math.max(1, p.slots))}%` }} />
                    </span>
                  </td>
                  <td className="right" data-testid={`pool-slots-${p.name}`}>
                    {p.slots}
                  </td>
                  <td className="right">{p.running_slots}</td>
                  <td className="right">{p.queued_slots}</td>
                  <td className={p.open_slots <= 0 ? "right bad" : "right"}>{p.open_slots}</td>
                  <td className="muted">{p.description ?? ""}</td>
                  {isAdmin && (
                    <td>
                      <span className="row-actions">
                        <button type="button" className="btn btn-sm" onClick={() => setEditing(p)} data-testid={`pool-edit-${p.name}`}>
                          Edit
                        </button>
                        {p.name !== DEFAULT_POOL && (
                          <button type="button" className="btn btn-sm btn-danger" onClick={() => setDeleting(p.name)} data-testid={`pool-delete-${p.name}`}>
                            Delete
                          </button>
                        )}
                      </span>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {editing && <PoolDialog pool={editing === "new" ? undefined : editing} onClose={() => setEditing(null)} />}
      {deleting && <DeletePool name={deleting} onClose={() => setDeleting(null)} />}
    </>
  );
}
