// Users (Admin only): the list, a form to add one with a role, and per user edit (email, role),
// reset password and delete, through /api/v1/users/{username} as in Airflow.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { deleteUser, roleOf, updateUser } from "../api/actions.ts";
import { api } from "../api/client.ts";
import { keys } from "../api/keys.ts";
import { useMe, useUsers } from "../api/queries.ts";
import type { Role, User } from "../api/types.ts";
import { Card, ErrorBox, Loading, PageHeader } from "../components/common.tsx";
import { ConfirmDialog } from "../components/confirm-dialog.tsx";
import { formatDateTime } from "../lib/format.ts";

function CreateUserForm() {
  const client = useQueryClient();
  const [form, setForm] = useState({ username: "", password: "", role: "Viewer" as Role, email: "" });
  const create = useMutation({
    mutationFn: () =>
      api<User>("/api/v1/users", {
        method: "POST",
        body: { username: form.username, password: form.password, role: form.role, ...(form.email ? { email: form.email } : {}) },
      }),
    onSuccess: async () => {
      setForm({ username: "", password: "", role: "Viewer", email: "" });
      await client.invalidateQueries({ queryKey: keys.users });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <form className="inline-form" onSubmit={submit}>
      <input required placeholder="username" value={form.username} onChange={(e) => setForm({ ...form, username: e.target.value })} aria-label="Username" />
      <input required type="password" placeholder="password" value={form.password} onChange={(e) => setForm({ ...form, password: e.target.value })} aria-label="Password" />
      <input type="email" placeholder="email (optional)" value={form.email} onChange={(e) => setForm({ ...form, email: e.target.value })} aria-label="Email" />
      <select value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value as Role })} aria-label="Role">
        <option>Viewer</option>
        <option>Op</option>
        <option>Admin</option>
      </select>
      <button type="submit" className="btn btn-primary" disabled={create.isPending}>
        Add user
      </button>
      {create.error && <ErrorBox error={create.error} />}
    </form>
  );
}

type UserAction = { kind: "edit" | "password" | "delete"; user: User };

function UserDialog({ action, onClose }: { action: UserAction; onClose: () => void }) {
  const client = useQueryClient();
  const { user } = action;
  const [email, setEmail] = useState(user.email ?? "");
  const [role, setRole] = useState<Role>(roleOf(user));
  const [password, setPassword] = useState("");
  const run = useMutation({
    mutationFn: async () => {
      if (action.kind === "delete") return deleteUser(user.username);
      if (action.kind === "password") return updateUser(user.username, { password });
      const changes: { email?: string; role?: Role } = {};
      if (email !== (user.email ?? "")) changes.email = email;
      if (role !== roleOf(user)) changes.role = role;
      return updateUser(user.username, changes);
    },
    onSuccess: async () => {
      onClose();
      await client.invalidateQueries({ queryKey: keys.users });
    },
  });
  const title = action.kind === "delete" ? `Delete user ${user.username}?` : action.kind === "password" ? `Reset the password of ${user.username}` : `Edit ${user.username}`;
  const label = action.kind === "delete" ? "Delete user" : action.kind === "password" ? "Set password" : "Save";
  return (
    <ConfirmDialog title={title} confirmLabel={label} danger={action.kind === "delete"} pending={run.isPending} error={run.error} onConfirm={() => run.mutate()} onClose={onClose}>
      {action.kind === "delete" && <p className="muted">They can no longer sign in; their sessions end.</p>}
      {action.kind === "password" && (
        <label className="field">
          <span>New password</span>
          <input required type="password" minLength={8} autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
      )}
      {action.kind === "edit" && (
        <>
          <label className="field">
            <span>Email</span>
            <input type="email" value={email} onChange={(e) => setEmail(e.target.value)} />
          </label>
          <label className="field">
            <span>Role</span>
            <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
              <option>Viewer</option>
              <option>Op</option>
              <option>Admin</option>
            </select>
          </label>
        </>
      )}
    </ConfirmDialog>
  );
}

export function UsersPage() {
  const me = useMe();
  const isAdmin = me.data?.role === "Admin";
  const users = useUsers(isAdmin);
  const [action, setAction] = useState<UserAction | null>(null);
  if (me.isPending) return <Loading />;
  if (!isAdmin) {
    return (
      <>
        <PageHeader title="Users" />
        <div className="empty">Only Admins manage users. You are signed in as {me.data?.username} ({me.data?.role}).</div>
      </>
    );
  }
  return (
    <>
      <PageHeader title="Users" subtitle="Viewers see, Op and Admin act, Admins also manage users and pools" />
      <Card title="Add a user">
        <CreateUserForm />
      </Card>
      {users.error && <ErrorBox error={users.error} />}
      <div className="table-wrap">
        <table className="table" data-testid="users-table">
          <thead>
            <tr>
              <th>Username</th>
              <th>Role</th>
              <th>Email</th>
              <th>Created</th>
              <th>Last login</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {users.data?.users.map((u) => (
              <tr key={u.username} data-testid={`user-row-${u.username}`}>
                <td className="strong">{u.username}</td>
                <td>
                  <span className={`role role-${roleOf(u).toLowerCase()}`} data-testid={`user-role-${u.username}`}>
                    {roleOf(u)}
                  </span>
                </td>
                <td>{u.email ?? "—"}</td>
                <td>{formatDateTime(u.created_on)}</td>
                <td>{formatDateTime(u.last_login)}</td>
                <td>
                  <span className="row-actions">
                    <button type="button" className="btn btn-sm" onClick={() => setAction({ kind: "edit", user: u })} data-testid={`user-edit-${u.username}`}>
                      Edit
                    </button>
                    <button type="button" className="btn btn-sm" onClick={() => setAction({ kind: "password", user: u })} data-testid={`user-password-${u.username}`}>
                      Reset password
                    </button>
                    <button
                      type="button"
                      className="btn btn-sm btn-danger"
                      disabled={u.username === me.data?.username}
                      title={u.username === me.data?.username ? "You cannot delete yourself" : undefined}
                      onClick={() => setAction({ kind: "delete", user: u })}
                      data-testid={`user-delete-${u.username}`}
                    >
                      Delete
                    </button>
                  </span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {action && <UserDialog action={action} onClose={() => setAction(null)} />}
    </>
  );
}
