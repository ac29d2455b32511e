// Serves the dashboard (a single-page app) from its dist folder: hashed assets to anyone (they
// hold no data, and the login page must not need them), every other non-API GET answers
// index.html to a signed-in user (status 404 when the path is none of the app's routes) and
// redirects anyone else to /login?next=<the page>.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import fastifyStatic from "@fastify/static";
import { Type } from "typebox";
import type { ApiApp } from "../routes/context.ts";
import { clientRouteMatcher } from "./client-routes.ts";
import { isBuilt } from "./web-root.ts";

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Updraft dashboard not built</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#223}code{background:#eef;padding:.1rem .3rem;border-radius:4px}</style>
</head><body><h1>The Updraft dashboard is not built</h1>
<p>The REST API works (see <a href="/api/v1/ui/">/api/v1/ui</a>), but the web app's files are missing.
Run <code>pnpm build</code> (or <code>pnpm --filter @updraft/web build</code>) in the repository, then reload.</p>
</body></html>`;

/** Paths that belong to the server, never to the single-page app. */
function isServerPath(path: string): boolean {
  return path.startsWith("/api/") || path === "/api" || path.startsWith("/queues") || path === "/metrics";
}

export async function staticSiteRoutes(app: ApiApp, webRoot: string | undefined): Promise<void> {
  const built = isBuilt(webRoot);
  if (built) {
    // serve: false — routes below decide who gets which file; this only adds reply.sendFile.
    await app.register(fastifyStatic, { root: webRoot, serve: false });
  }
  const index = built ? await readFile(join(webRoot, "index.html"), "utf8") : NOT_BUILT_PAGE;
  const isClientRoute = built ? clientRouteMatcher(webRoot) : () => true;

  app.get(
    "/assets/*",
    { config: { access: "public" }, schema: { hide: true } },
    async (request, reply) => {
      if (!built) return reply.callNotFound();
      const file = (request.params as { "*": string })["*"];
      // Vite puts a content hash in every asset name, so browsers may keep them for good.
      return reply.sendFile(join("assets", file), { maxAge: 31_536_000_000, immutable: true });
    },
  );

  app.get(
    "/*",
    { config: { access: "public" }, schema: { hide: true, response: { 200: Type.String(), 404: Type.String() } } },
    async (request, reply) => {
      const path = request.url.split("?")[0] ?? "/";
      if (isServerPath(path)) return reply.callNotFound();
      if (request.user === null) return reply.redirect(`/login?next=${encodeURIComponent(request.url)}`, 302);
      // Not a page of the app: still the app (it draws "Page not found"), but with HTTP 404.
      const status = isClientRoute(path) ? 200 : 404;
      return reply.code(status).header("cache-control", "no-store").type("text/html; charset=utf-8").send(index);
    },
  );
}
