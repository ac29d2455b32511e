// Entry point: the query cache, the router and the pages.
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { createBrowserRouter, Navigate, RouterProvider } from "react-router";
import { Layout } from "./components/layout.tsx";
import { DagPage } from "./pages/dag-page.tsx";
import { DagsPage } from "./pages/dags-page.tsx";
import { NotFoundPage } from "./pages/not-found-page.tsx";
import { PoolsPage } from "./pages/pools-page.tsx";
import { RunPage } from "./pages/run-page.tsx";
import { TaskInstancePage } from "./pages/task-instance-page.tsx";
import { UsersPage } from "./pages/users-page.tsx";
import { WorkerPage } from "./pages/worker-page.tsx";
import { WorkersPage } from "./pages/workers-page.tsx";
import "./styles.css";

const queryClient = new QueryClient({
  defaultOptions: {
    // Freshness comes from live events, not from timers or window focus.
    queries: { staleTime: 10_000, refetchOnWindowFocus: false, retry: 1 },
  },
});

const router = createBrowserRouter([
  {
    element: <Layout />,
    children: [
      { index: true, element: <Navigate to="/dags" replace /> },
      { path: "dags", element: <DagsPage /> },
      { path: "dags/:dagId", element: <DagPage tab="grid" /> },
      { path: "dags/:dagId/graph", element: <DagPage tab="graph" /> },
      { path: "dags/:dagId/source", element: <DagPage tab="source" /> },
      { path: "dags/:dagId/runs/:runId", element: <RunPage /> },
      { path: "dags/:dagId/runs/:runId/tasks/:taskId", element: <TaskInstancePage /> },
      { path: "workers", element: <WorkersPage /> },
      { path: "workers/:name", element: <WorkerPage /> },
      { path: "pools", element: <PoolsPage /> },
      { path: "users", element: <UsersPage /> },
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
