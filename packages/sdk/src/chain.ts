// chain(a, [b, c], d) sets dependencies like Airflow's `a >> [b, c] >> d`. A task next to a list
// fans out or in; two adjacent lists must have the same length and are paired one to one, as in
// Airflow's chain().
import { UpdraftError } from "@updraft/core";
import { activeBuilder } from "./builder.ts";
import type { TaskHandle } from "./task-handle.ts";

export type ChainLink = TaskHandle<unknown> | readonly TaskHandle<unknown>[];

export function chain(...links: ChainLink[]): void {
  const builder = activeBuilder("chain");
  for (let i = 1; i < links.length; i++) {
    const up = links[i - 1]!;
    const down = links[i]!;
    if (isList(up) && isList(down)) {
      if (up.length !== down.length) {
        throw new UpdraftError(
          "UPDRAFT_DAG_INVALID",
          `chain() got adjacent lists of ${up.length} and ${down.length} tasks in DAG "${builder.dagId}"; adjacent lists are paired one to one, so give them the same length or put a single task between them`,
        );
      }
      up.forEach((u, k) => builder.addEdge(u, down[k]!));
    } else {
      for (const u of isList(up) ? up : [up]) for (const d of isList(down) ? down : [down]) builder.addEdge(u, d);
    }
  }
}

function isList(link: ChainLink): link is readonly TaskHandle<unknown>[] {
  return Array.isArray(link);
}
