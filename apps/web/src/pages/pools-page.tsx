// Pools: slots in use by running and queued task instances, and what is still open.
import { usePools } from "../api/queries.ts";
import { ErrorBox, Loading, PageHeader } from "../components/common.tsx";

export function PoolsPage() {
  const pools = usePools();
  return (
    <>
      <PageHeader title="Pools" subtitle="Named slot counts: a task takes its poolSlots of its pool while queued or running" />
      {pools.error && <ErrorBox error={pools.error} />}
      {pools.isPending ? (
        <Loading />
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="pools-table">
            <thead>
              <tr>
                <th>Pool</th>
                <th>Usage</th>
                <th className="right">Slots</th>
                <th className="right">Running</th>
                <th className="right">Queued</th>
                <th className="right">Open</th>
                <th>Description</th>
              </tr>
            </thead>
            <tbody>
              {pools.data?.pools.map((p) => (
                <tr key={p.name}>
                  <td className="strong">{p.name}</td>
                  <td>
                    <span className="meter wide" title={`${p.occupied_slots} of ${p.slots}`}>
                      <span className="meter-fill running" style={{ width: `${Math.min(100, (100 * p.running_slots) / Math.max(1, p.slots))}%` }} />
                      <span className="meter-fill queued" style={{ width: `${Math.min(100, (100 * p.queued_slots) / Math.max(1, p.slots))}%` }} />
                    </span>
                  </td>
                  <td className="right">{p.slots}</td>
                  <td className="right">{p.running_slots}</td>
                  <td className="right">{p.queued_slots}</td>
                  <td className={p.open_slots <= 0 ? "right bad" : "right"}>{p.open_slots}</td>
                  <td className="muted">{p.description ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
