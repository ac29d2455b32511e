// Who may call what. Each route declares the lowest role it needs in its config (`access`);
// routes that declare nothing get a safe default, so forgetting it never opens a route.
import type { UserRole } from "@updraft/core";

/** `public` routes answer without a user; otherwise the lowest role allowed. */
export type Access = "public" | UserRole;

export interface AuthenticatedUser {
  username: string;
  role: UserRole;
  /** How the request proved who it is. */
  via: "basic" | "session" | "token";
}

declare module "fastify" {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    /** The caller, once authenticated; null on public routes without credentials. */
    user: AuthenticatedUser | null;
  }
}

const RANK: Record<UserRole, number> = { Viewer: 0, Op: 1, Admin: 2 };

export function roleAllows(role: UserRole, needed: UserRole): boolean {
  return RANK[role] >= RANK[needed];
}

/** Reads may be done by every role; anything else defaults to Admin until a route says otherwise. */
export function defaultAccess(method: string | readonly string[]): Access {
  const methods = typeof method === "string" ? [method] : method;
  return methods.every((m) => m === "GET" || m === "HEAD") ? "Viewer" : "Admin";
}
