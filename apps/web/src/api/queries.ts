// Data hooks for every page. Nothing here polls: pages refresh when a live event invalidates
// their keys (see live/live-events.ts), and react-query refetches only queries on screen.
import { useQuery } from "@tanstack/react-query";
import { api, path } from "./client.ts";
import { keys } from "./keys.ts";
import type {
  Dag,
  DagDetail,
  DagRun,
  Dependency,
  ImportError,
  Me,
  Pool,
  RunTry,
  TaskInstance,
  TaskInstanceDetail,
  User,
  Worker,
  WorkerDetail,
} from "./types.ts";

/** Enough for a run of a thousand tasks in one request; the grid pages rows itself. */
export const TASK_INSTANCE_LIMIT = 10_000;

export const useMe = () => useQuery({ queryKey: keys.me, queryFn: () => api<Me>("/api/v1/me"), staleTime: 60_000 });

export const useDags = () =>
  useQuery({ queryKey: keys.dags, queryFn: () => api<{ dags: Dag[]; total_entries: number }>("/api/v1/dags?limit=500") });

export const useImportErrors = () =>
  useQuery({ queryKey: keys.importErrors, queryFn: () => api<{ import_errors: ImportError[]; total_entries: number }>("/api/v1/importErrors?limit=50") });

export const useDag = (dagId: string) => useQuery({ queryKey: keys.dagInfo(dagId), queryFn: () => api<Dag>(path`/api/v1/dags/${dagId}`) });

export const useDagDetail = (dagId: string) =>
  useQuery({ queryKey: keys.dagDetail(dagId), queryFn: () => api<DagDetail>(path`/api/v1/dags/${dagId}/details`), staleTime: 30_000 });

export const useDagSource = (dagId: string) =>
  useQuery({ queryKey: keys.dagSource(dagId), queryFn: () => api<{ fileloc: string; content: string }>(path`/api/v1/dags/${dagId}/source`) });

export const useDagRuns = (dagId: string, limit: number) =>
  useQuery({
    queryKey: keys.runs(dagId, limit),
    queryFn: () => api<{ dag_runs: DagRun[]; total_entries: number }>(`${path`/api/v1/dags/${dagId}/dagRuns`}?limit=${limit}`),
  });

export const useDagRun = (dagId: string, runId: string) =>
  useQuery({ queryKey: keys.runInfo(dagId, runId), queryFn: () => api<DagRun>(path`/api/v1/dags/${dagId}/dagRuns/${runId}`) });

export const useTaskInstances = (dagId: string, runId: string | undefined) =>
  useQuery({
    queryKey: keys.taskInstances(dagId, runId ?? ""),
    enabled: runId !== undefined,
    queryFn: () =>
      api<{ task_instances: TaskInstance[]; total_entries: number }>(
        `${path`/api/v1/dags/${dagId}/dagRuns/${runId ?? ""}/taskInstances`}?limit=${TASK_INSTANCE_LIMIT}`,
      ),
  });

export const useRunTries = (dagId: string, runId: string) =>
  useQuery({ queryKey: keys.tries(dagId, runId), queryFn: () => api<{ tries: RunTry[] }>(path`/api/v1/dags/${dagId}/dagRuns/${runId}/tries`) });

export const useTaskInstance = (dagId: string, runId: string, taskId: string) =>
  useQuery({
    queryKey: keys.taskInstance(dagId, runId, taskId),
    queryFn: () => api<TaskInstanceDetail>(path`/api/v1/dags/${dagId}/dagRuns/${runId}/taskInstances/${taskId}`),
  });

export const useDependencies = (dagId: string, runId: string, taskId: string, enabled: boolean) =>
  useQuery({
    queryKey: keys.dependencies(dagId, runId, taskId),
    enabled,
    queryFn: () => api<{ dependencies: Dependency[] }>(path`/api/v1/dags/${dagId}/dagRuns/${runId}/taskInstances/${taskId}/dependencies`),
  });

export const useWorkers = () =>
  useQuery({ queryKey: keys.workers, queryFn: () => api<{ workers: Worker[]; total_entries: number }>("/api/v1/workers") });

export const useWorker = (name: string) => useQuery({ queryKey: keys.worker(name), queryFn: () => api<WorkerDetail>(path`/api/v1/workers/${name}`) });

export const usePools = () => useQuery({ queryKey: keys.pools, queryFn: () => api<{ pools: Pool[] }>("/api/v1/pools") });

export const useUsers = (enabled: boolean) =>
  useQuery({ queryKey: keys.users, enabled, queryFn: () => api<{ users: User[] }>("/api/v1/users?limit=1000") });
