// Live updates: one EventSource per browser tab on /api/v1/events. Each event invalidates only
// the queries it touches; react-query then refetches those that are on screen.
import type { QueryClient } from "@tanstack/react-query";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { keys } from "../api/keys.ts";

type LiveEvent = { type: "run-changed"; dag_id: string; run_id: string } | { type: "workers-changed" };

export function applyLiveEvent(client: QueryClient, event: LiveEvent): void {
  switch (event.type) {
    case "run-changed":
      void client.invalidateQueries({ queryKey: keys.run(event.dag_id, event.run_id) });
      void client.invalidateQueries({ queryKey: keys.runsOf(event.dag_id) });
      void client.invalidateQueries({ queryKey: keys.recentRunsAll });
      // The DAG list shows next-run dates and the pools page slot usage; both follow runs.
      void client.invalidateQueries({ queryKey: keys.dags });
      void client.invalidateQueries({ queryKey: keys.pools });
      // A worker's active count is its running task instances (see the workers API).
      void client.invalidateQueries({ queryKey: keys.workers });
      break;
    case "workers-changed":
      void client.invalidateQueries({ queryKey: keys.workers });
      break;
  }
}

/** Subscribes while mounted; returns whether the stream is connected (for the nav's indicator). */
export function useLiveEvents(): boolean {
  const client = useQueryClient();
  const [connected, setConnected] = useState(false);
  useEffect(() => {
    const source = new EventSource("/api/v1/events");
    source.onopen = () => {
      setConnected(true);
      // Whatever changed while the stream was down is unknown: refresh what is on screen.
      void client.invalidateQueries();
    };
    source.onerror = () => setConnected(false);
    source.onmessage = (message: MessageEvent<string>) => {
      try {
        applyLiveEvent(client, JSON.parse(message.data) as LiveEvent);
      } catch {
        // A malformed event is dropped; the next one refreshes the same queries.
      }
    };
    return () => source.close();
  }, [client]);
  return connected;
}
