// The one gate every request passes: find out who is calling (local admin token, HTTP Basic, or
// session cookie, in that order) and check the route's `access` against the caller's role.
import { timingSafeEqual, createHash } from "node:crypto";
import { UpdraftError } from "@updraft/core";
import { recordEvent, type UpdraftDb } from "@updraft/db";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { roleAllows, type AuthenticatedUser } from "./access.ts";
import { parseBasicHeader, type BasicVerifier } from "./basic-credentials.ts";
import { tooManyAttempts, type LoginThrottle } from "./login-throttle.ts";
import { SESSION_COOKIE, type SessionStore } from "./sessions.ts";
import { sendUpdraftError } from "../errors.ts";

export interface AuthenticationDeps {
  db: UpdraftDb;
  basic: BasicVerifier;
  sessions: SessionStore;
  throttle: LoginThrottle;
  localAdminToken?: string | undefined;
}

/** The username requests with the local admin token act as. */
export const LOCAL_ADMIN_USERNAME = "local-admin";

export function installAuthentication(app: FastifyInstance, deps: AuthenticationDeps): void {
  app.decorateRequest("user", null);
  const tokenDigest = deps.localAdminToken === undefined || deps.localAdminToken === "" ? undefined : digest(deps.localAdminToken);

  // The hook answers refusals itself rather than throwing, so a plugin with its own error handler
  // (bull-board) cannot turn a 401 into something else.
  app.addHook("onRequest", async (request, reply) => {
    const access = request.routeOptions.config.access;
    // Unknown routes answer 404 to everyone; known routes always carry an access level.
    if (request.is404 || access === undefined) return;
    const identified = await identify(request, deps, tokenDigest);
    if (typeof identified === "number") {
      reply.header("retry-after", String(identified));
      return sendUpdraftError(reply, tooManyAttempts(identified));
    }
    request.user = identified;
    if (access === "public") return;
    if (request.user === null) {
      // A person opening a page (not the API) is shown the login form, then brought back.
      if (request.method === "GET" && !request.url.startsWith("/api/") && (request.headers.accept ?? "").includes("text/html")) {
        return reply.redirect(`/login?next=${encodeURIComponent(request.url)}`, 302);
      }
      return sendUpdraftError(reply, new UpdraftError("UPDRAFT_NOT_AUTHENTICATED", "This endpoint needs a user"));
    }
    if (!roleAllows(request.user.role, access)) {
      return sendUpdraftError(reply, new UpdraftError(
        "UPDRAFT_FORBIDDEN",
        `${request.method} ${request.routeOptions.url ?? request.url} needs the ${access} role; user "${request.user.username}" has ${request.user.role}`,
        { details: { needed: access, role: request.user.role } },
      ));
    }
  });
}

/** The caller, null when unknown, or the seconds to wait when Basic attempts are throttled. */
async function identify(request: FastifyRequest, deps: AuthenticationDeps, tokenDigest: Buffer | undefined): Promise<AuthenticatedUser | null | number> {
  const header = request.headers.authorization;
  if (header !== undefined && header !== "") {
    // Credentials that were sent but are wrong never fall back to the cookie: the caller meant them.
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (bearer !== null) {
      return tokenDigest !== undefined && timingSafeEqual(digest(bearer[1]!), tokenDigest)
        ? { username: LOCAL_ADMIN_USERNAME, role: "Admin", via: "token" }
        : null;
    }
    const credentials = parseBasicHeader(header);
    if (credentials === undefined) return null;
    // A remembered success costs nothing and is no guess; everything else passes the throttle first.
    const cached = deps.basic.cached(credentials.username, credentials.password);
    if (cached !== undefined) return { username: cached.username, role: cached.role, via: "basic" };
    const wait = await deps.throttle.retryAfterSec(credentials.username, request.ip);
    if (wait > 0) return wait;
    const user = await deps.basic.verify(credentials.username, credentials.password);
    if (user === undefined) {
      await deps.throttle.failed(credentials.username, request.ip);
      await recordEvent(deps.db, { event: "login_failed", owner: credentials.username, extra: { via: "basic", address: request.ip } });
      return null;
    }
    await deps.throttle.succeeded(credentials.username);
    return { username: user.username, role: user.role, via: "basic" };
  }
  const cookie = request.cookies[SESSION_COOKIE];
  if (cookie === undefined) return null;
  if (!SESSION_ID.test(cookie)) return null;
  // The user is read with the session, so a deleted account or a changed role takes effect at once.
  const row = await deps.sessions.user(cookie);
  return row === undefined ? null : { username: row.username, role: row.role, via: "session" };
}

/** A session id as `SessionStore.create` makes them: 32 random bytes, base64url. */
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

// Comparing fixed-length digests lets timingSafeEqual work whatever the token's length.
function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}
