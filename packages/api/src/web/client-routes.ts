// Which paths the dashboard's router answers, read from the build's client-routes.json (written
// by apps/web's vite config). The SPA fallback answers those with 200 and any other path with 404
// (still the app, which draws its own "Page not found"), as a server-rendered site would.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** Same name as apps/web/src/client-routes.ts's CLIENT_ROUTES_FILE. */
const CLIENT_ROUTES_FILE = "client-routes.json";

/** True when `path` (no query string) is a page of the dashboard. */
export type ClientRouteMatcher = (path: string) => boolean;

/** Matches `path` against patterns such as `/dags/:dagId/runs/:runId` (`:name` is one non-empty segment). */
export function matchesClientRoute(patterns: readonly string[], path: string): boolean {
  const segments = splitPath(path);
  return patterns.some((pattern) => {
    const parts = splitPath(pattern);
    return parts.length === segments.length && parts.every((part, i) => part.startsWith(":") || part === segments[i]);
  });
}

function splitPath(path: string): string[] {
  return path.split("/").filter((s) => s !== "");
}

/**
 * The matcher for a built dashboard. A build without the file (an older one) matches every path,
 * which is the old behaviour: the app decides, with status 200.
 */
export function clientRouteMatcher(webRoot: string): ClientRouteMatcher {
  const file = join(webRoot, CLIENT_ROUTES_FILE);
  if (!existsSync(file)) return () => true;
  const patterns = JSON.parse(readFileSync(file, "utf8")) as unknown;
  if (!Array.isArray(patterns) || !patterns.every((p): p is string => typeof p === "string")) return () => true;
  // Literal segments are plain ASCII and `:name` takes any segment, so the raw (encoded) path matches as is.
  return (path) => matchesClientRoute(patterns, path);
}
