// Every path the dashboard's router answers, as patterns (`:name` matches one segment). The build
// writes them to dist/client-routes.json so the webserver can answer HTTP 404 (still with the app,
// which shows its own 404 page) for any other path, instead of 200 for everything.
export const CLIENT_ROUTES = [
  "/",
  "/dags",
  "/dags/:dagId",
  "/dags/:dagId/graph",
  "/dags/:dagId/source",
  "/dags/:dagId/runs/:runId",
  "/dags/:dagId/runs/:runId/tasks/:taskId",
  "/workers",
  "/workers/:name",
  "/pools",
  "/variables",
  "/connections",
  "/users",
] as const;

export type ClientRoute = (typeof CLIENT_ROUTES)[number];

/** The file name under dist/ that the webserver reads. */
export const CLIENT_ROUTES_FILE = "client-routes.json";
