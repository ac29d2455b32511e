// The user resource. Airflow's `roles` list is kept for its scripts beside Updraft's single
// `role`; the password hash never leaves the server.
import type { UserRole } from "@updraft/core";
import { isoOrNull } from "./dag-runs.ts";

/** Domain of the placeholder address of users without an email (RFC 2606 reserves .invalid). */
export const NO_EMAIL_DOMAIN = "users.updraft.invalid";

export interface UserResponse {
  username: string;
  /**
   * Airflow requires a non-empty string; a user created without one shows
   * `<username>@users.updraft.invalid` (the reserved .invalid domain: never deliverable).
   */
  email: string;
  first_name: string;
  last_name: string;
  active: boolean;
  role: UserRole;
  roles: Array<{ name: UserRole }>;
  created_on: string;
  last_login: string | null;
}

export interface UserRecord {
  username: string;
  email: string | null;
  role: UserRole;
  createdAt: Date;
  lastLoginAt: Date | null;
}

export function toUserResponse(record: UserRecord): UserResponse {
  return {
    username: record.username,
    email: record.email ?? `${record.username}@${NO_EMAIL_DOMAIN}`,
    first_name: "",
    last_name: "",
    active: true,
    role: record.role,
    roles: [{ name: record.role }],
    created_on: record.createdAt.toISOString(),
    last_login: isoOrNull(record.lastLoginAt),
  };
}
