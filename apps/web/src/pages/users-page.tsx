// Users (Admin only): the list and a form to add one with a role.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { api } from "../api/client.ts";
import { keys } from "../api/keys.ts";
import { useMe, useUsers } from "../api/queries.ts";
import type { Role, User } from "../api/types.ts";
import { Card, ErrorBox, Loading, PageHeader } from "../components/common.tsx";
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

export function UsersPage() {
  const me = useMe();
  const isAdmin = me.data?.role === "Admin";
  const users = useUsers(isAdmin);
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
            </tr>
          </thead>
          <tbody>
            {users.data?.users.map((u) => (
              <tr key={u.username}>
                <td className="strong">{u.username}</td>
                <td>
                  <span className={`role role-${u.role.toLowerCase()}`}>{u.role}</span>
                </td>
                <td>{u.email ?? "—"}</td>
                <td>{formatDateTime(u.created_on)}</td>
                <td>{formatDateTime(u.last_login)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
