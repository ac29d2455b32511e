// Browser login: a form that opens a session cookie (HttpOnly, SameSite=Lax, so scripts cannot
// read it and other sites cannot make the browser send it with a POST), and logout.
import { recordEvent, touchUserLogin } from "@updraft/db";
import { Type } from "typebox";
import { renderLoginPage, safeNext } from "../auth/login-page.ts";
import type { BasicVerifier } from "../auth/basic-credentials.ts";
import type { LoginThrottle } from "../auth/login-throttle.ts";
import { SESSION_COOKIE, type SessionStore } from "../auth/sessions.ts";
import { errorResponses } from "../schemas/common.ts";
import type { ApiApp, ApiContext } from "./context.ts";

const Html = Type.String({ description: "HTML page" });

export function loginRoutes(app: ApiApp, { db }: ApiContext, auth: { verifier: BasicVerifier; sessions: SessionStore; throttle: LoginThrottle }): void {
  app.get(
    "/login",
    {
      config: { access: "public" },
      schema: {
        hide: true,
        querystring: Type.Object({ next: Type.Optional(Type.String()) }, { additionalProperties: false }),
        response: { 200: Html, ...errorResponses },
      },
    },
    async (request, reply) => reply.type("text/html; charset=utf-8").send(renderLoginPage({ next: request.query.next })),
  );

  app.post(
    "/login",
    {
      config: { access: "public" },
      schema: {
        hide: true,
        body: Type.Object(
          { username: Type.String(), password: Type.String(), next: Type.Optional(Type.String()) },
          { additionalProperties: false },
        ),
        response: { 200: Html, 303: Type.Null(), 401: Html, 429: Html, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { username, password, next } = request.body;
      const wait = await auth.throttle.retryAfterSec(username, request.ip);
      if (wait > 0) {
        return reply
          .code(429)
          .header("retry-after", String(wait))
          .type("text/html; charset=utf-8")
          .send(renderLoginPage({ next, username, error: `Too many failed attempts. Try again in ${wait} seconds.` }));
      }
      // Same verifier (and cache) as HTTP Basic, so both paths check passwords identically.
      const user = await auth.verifier.verify(username, password);
      if (user === undefined) {
        await auth.throttle.failed(username, request.ip);
        await recordEvent(db, { event: "login_failed", owner: username, extra: { via: "form", address: request.ip } });
        return reply
          .code(401)
          .type("text/html; charset=utf-8")
          .send(renderLoginPage({ next, username, error: "Wrong username or password." }));
      }
      await auth.throttle.succeeded(username);
      await touchUserLogin(db, user.id);
      const sessionId = await auth.sessions.create(user.id);
      reply.setCookie(SESSION_COOKIE, sessionId, {
        path: "/",
        httpOnly: true,
        sameSite: "lax",
        secure: request.protocol === "https",
        maxAge: Math.floor(auth.sessions.ttlMs / 1000),
      });
      return reply.code(303).redirect(safeNext(next));
    },
  );

  app.post(
    "/logout",
    { config: { access: "public" }, schema: { hide: true, response: { 303: Type.Null(), ...errorResponses } } },
    async (request, reply) => {
      const cookie = request.cookies[SESSION_COOKIE];
      if (cookie !== undefined) await auth.sessions.delete(cookie);
      reply.clearCookie(SESSION_COOKIE, { path: "/" });
      return reply.code(303).redirect("/login");
    },
  );
}
