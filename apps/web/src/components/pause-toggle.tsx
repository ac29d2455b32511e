// The paused switch of a DAG (Op and Admin); the DAG list refreshes from the answer.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, path } from "../api/client.ts";
import { keys } from "../api/keys.ts";
import type { Dag } from "../api/types.ts";
import { useCanAct } from "../lib/roles.ts";

export function PauseToggle({ dag }: { dag: Dag }) {
  const canAct = useCanAct();
  const client = useQueryClient();
  const toggle = useMutation({
    mutationFn: (paused: boolean) => api<Dag>(path`/api/v1/dags/${dag.dag_id}`, { method: "PATCH", body: { is_paused: paused } }),
    onSuccess: () => Promise.all([client.invalidateQueries({ queryKey: keys.dags }), client.invalidateQueries({ queryKey: keys.dagInfo(dag.dag_id) })]),
  });
  const on = !dag.is_paused;
  return (
    <label className="switch" title={canAct ? (on ? "Pause" : "Unpause") : "Viewers cannot pause DAGs"}>
      <input
        type="checkbox"
        role="switch"
        aria-label={`${dag.dag_id} active`}
        checked={on}
        disabled={!canAct || toggle.isPending}
        onChange={(e) => toggle.mutate(!e.target.checked)}
      />
      <span className="slider" />
    </label>
  );
}
