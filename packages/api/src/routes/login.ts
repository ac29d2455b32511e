// Browser login: a form that opens a session cookie (HttpOnly, SameSite=Lax, so scripts cannot
// read it and other sites cannot make the browser send it with a POST), and logout.
import { touchUserLogin } from "@updraft/db";
import { Type } from "typebox";
import { renderLoginPage, safeNext } from "../auth/login-page.ts";
import type { BasicVerifier } from "../auth/basic-credentials.ts";
import { SESSION_COOKIE, type SessionStore } from "../auth/sessions.ts";
import { errorResponses } from "../schemas/common.ts";
import type { ApiApp, ApiContext } from "./context.ts";

const Html = Type.String({ description: "HTML page" });

export function loginRoutes(app: ApiApp, { db }: ApiContext, auth: { verifier: BasicVerifier; sessions: SessionStore }): void {
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
        response: { 200: Html, 303: Type.Null(), 401: Html, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { username, password, next } = request.body;
      // Same verifier (and cache) as HTTP Basic, so both paths check passwords identically.
      const user = await auth.verifier.verify(username, password);
      if (user === undefined) {
        return reply
          .code(401)
          .type("text/html; charset=utf-8")
          .send(renderLoginPage({ next, username, error: "Wrong username or password." }));
      }
      await touchUserLogin(db, user.id);
      const sessionId = auth.sessions.create(user.id, user.username);
      reply.setCookie(SESSION_COOKIE, sessionId, {
        path: "/",
        httpOnly: true,
        sameSite: "lax",
        secure: request.protocol === "https",
        signed: true,
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
      if (cookie !== undefined) {
        const unsigned = request.unsignCookie(cookie);
        if (unsigned.valid && unsigned.value !== null) auth.sessions.delete(unsigned.value);
      }
      reply.clearCookie(SESSION_COOKIE, { path: "/" });
      return reply.code(303).redirect("/login");
    },
  );
}
