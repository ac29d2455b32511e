// Data hooks for every page. Nothing here polls: pages refresh when a live event invalidates
// their keys (see live/live-events.ts), and react-query refetches only queries on screen.
import { useQuery } from "@tanstack/react-query";
import { api, path } from "./client.ts";
import { keys } from "./keys.ts";
import type {
  Connection,
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
  Variable,
  VariableItem,
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

export const useVariables = (enabled: boolean) =>
  useQuery({ queryKey: keys.variables, enabled, queryFn: () => api<{ variables: VariableItem[]; total_entries: number }>("/api/v1/variables?limit=1000&order_by=key") });

/** One variable with its value (lists leave values out, as Airflow's do). */
export const useVariable = (key: string | undefined) =>
  useQuery({ queryKey: keys.variable(key ?? ""), enabled: key !== undefined, queryFn: () => api<Variable>(path`/api/v1/variables/${key ?? ""}`) });

export const useConnections = (enabled: boolean) =>
  useQuery({
    queryKey: keys.connections,
    enabled,
    queryFn: () => api<{ connections: Connection[]; total_entries: number }>("/api/v1/connections?limit=1000&order_by=connection_id"),
  });

export const useConnection = (id: string | undefined) =>
  useQuery({ queryKey: keys.connection(id ?? ""), enabled: id !== undefined, queryFn: () => api<Connection>(path`/api/v1/connections/${id ?? ""}`) });

/**
 * The newest `perDag` runs of each DAG in one request (Airflow's batch list, with Updraft's
 * `limit_per_dag`), grouped by DAG id. The DAG list used to send one request per DAG.
 */
export const useRecentRuns = (dagIds: readonly string[], perDag: number) =>
  useQuery({
    queryKey: keys.recentRuns(dagIds, perDag),
    enabled: dagIds.length > 0,
    // While a new filter's request runs, keep showing the dots already there.
    placeholderData: (previous) => previous,
    queryFn: async () => {
      const page = await api<{ dag_runs: DagRun[] }>("/api/v1/dags/~/dagRuns/list", {
        method: "POST",
        body: { dag_ids: dagIds, limit_per_dag: perDag, page_limit: Math.min(10_000, dagIds.length * perDag) },
      });
      const byDag = new Map<string, DagRun[]>(dagIds.map((id) => [id, []]));
      for (const run of page.dag_runs) byDag.get(run.dag_id)?.push(run);
      return byDag;
    },
  });
