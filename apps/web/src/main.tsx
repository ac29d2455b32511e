// Entry point: the query cache, the router and the pages.
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { StrictMode, type ReactElement } from "react";
import { createRoot } from "react-dom/client";
import { createBrowserRouter, Navigate, RouterProvider } from "react-router";
import { CLIENT_ROUTES, type ClientRoute } from "./client-routes.ts";
import { Layout } from "./components/layout.tsx";
import { ConnectionsPage } from "./pages/connections-page.tsx";
import { DagPage } from "./pages/dag-page.tsx";
import { DagsPage } from "./pages/dags-page.tsx";
import { NotFoundPage } from "./pages/not-found-page.tsx";
import { PoolsPage } from "./pages/pools-page.tsx";
import { RunPage } from "./pages/run-page.tsx";
import { TaskInstancePage } from "./pages/task-instance-page.tsx";
import { UsersPage } from "./pages/users-page.tsx";
import { VariablesPage } from "./pages/variables-page.tsx";
import { WorkerPage } from "./pages/worker-page.tsx";
import { WorkersPage } from "./pages/workers-page.tsx";
import "./styles.css";

const queryClient = new QueryClient({
  defaultOptions: {
    // Freshness comes from live events, not from timers or window focus.
    queries: { staleTime: 10_000, refetchOnWindowFocus: false, retry: 1 },
  },
});

// One element per client route: the Record's type makes the list in client-routes.ts (which the
// webserver reads to answer unknown paths with 404) and the router agree.
const PAGES: Record<ClientRoute, ReactElement> = {
  "/": <Navigate to="/dags" replace />,
  "/dags": <DagsPage />,
  "/dags/:dagId": <DagPage tab="grid" />,
  "/dags/:dagId/graph": <DagPage tab="graph" />,
  "/dags/:dagId/source": <DagPage tab="source" />,
  "/dags/:dagId/runs/:runId": <RunPage />,
  "/dags/:dagId/runs/:runId/tasks/:taskId": <TaskInstancePage />,
  "/workers": <WorkersPage />,
  "/workers/:name": <WorkerPage />,
  "/pools": <PoolsPage />,
  "/variables": <VariablesPage />,
  "/connections": <ConnectionsPage />,
  "/users": <UsersPage />,
};

const router = createBrowserRouter([
  {
    element: <Layout />,
    children: [
      ...CLIENT_ROUTES.map((route) => (route === "/" ? { index: true, element: PAGES[route] } : { path: route.slice(1), element: PAGES[route] })),
      { path: "*", element: <NotFoundPage /> },
    ],
  },
]);

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  </StrictMode>,
);
