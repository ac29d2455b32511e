// The statements a scheduler pass sends to move runs forward (progress-store.ts), as fixed texts
// (runStatement: a named prepared statement on node-postgres, parsed once per connection).
import type { RawStatement } from "@updraft/db";

// Each flag comes from probes of task_instances_run_state_idx (dag_id, run_id, state): a LATERAL
// with LIMIT 1 per run and state, which Postgres always runs per run, as a plain index scan. As
// EXISTS in the select list, the planner may pick a "hashed" alternative (one scan of the whole
// table) whenever it expects many runs, and did in `pnpm bench` (a sequential scan of 15,010 rows
// to find the 5 runs of a scoped pass). "No state or up_for_retry" as one probe was planned as a
// bitmap OR, and a bitmap scan never marks the index entries of dead rows: it walked the 10,000
// entries a wide run's task instances left when they were scheduled on every pass (27 ms); a
// plain index scan marks them dead once and steps over them after.
const probe = (flag: string, state: string) =>
  `left join lateral (select true as ${flag} from task_instances ti where ti.dag_id = r.dag_id and ti.run_id = r.run_id and ${state} limit 1) ${flag} on true`;
/** $1: the unfinished states besides "no state" and up_for_retry. */
const FACTS = `select r.id, r.dag_id, r.run_id, r.start_date,
    (pending.pending or retrying.retrying) is not null as movable, active.active is not null as active
  from dag_runs r
  ${probe("pending", "ti.state is null")}
  ${probe("retrying", "ti.state = 'up_for_retry'")}
  ${probe("active", "ti.state = any($1::text[])")}
  where r.state = 'running'`;
/** $2 dag ids and $3 run ids: the runs of a scoped pass. */
const SCOPED = `r.id in (select r2.id from dag_runs r2 join unnest($2::text[], $3::text[]) as k(dag_id, run_id) on r2.dag_id = k.dag_id and r2.run_id = k.run_id)`;

/** Facts of every running run ($1 as FACTS). Rows: id, dag_id, run_id, start_date, movable, active. */
export const FACTS_OF_ALL_RUNS: RawStatement = { name: "updraft_run_facts_all_v1", text: FACTS };

/** Facts of the runs in $2/$3 ($1 as FACTS). */
export const FACTS_OF_RUNS: RawStatement = { name: "updraft_run_facts_v1", text: `${FACTS} and ${SCOPED}` };

/** Facts of the runs in $2/$3 and of every running run with an up_for_retry task instance due at $4. */
export const FACTS_OF_RUNS_AND_DUE_RETRIES: RawStatement = {
  name: "updraft_run_facts_due_v1",
  text: `${FACTS} and (${SCOPED} or (r.dag_id, r.run_id) in (select ti.dag_id, ti.run_id from task_instances ti
      where ti.state = 'up_for_retry' and (ti.next_retry_at is null or ti.next_retry_at <= $4::timestamptz)))`,
};

/** The task instances of the runs in $1 (dag ids) / $2 (run ids). */
export const TASK_INSTANCES_OF_RUNS: RawStatement = {
  name: "updraft_run_task_instances_v1",
  text: `select ti.dag_id, ti.run_id, ti.task_id, ti.state, ti.next_retry_at from task_instances ti
    join unnest($1::text[], $2::text[]) as k(dag_id, run_id) on ti.dag_id = k.dag_id and ti.run_id = k.run_id`,
};

/**
 * The decided transitions: $1 the time; $2 dag ids, $3 run ids, $4 task ids, $5 new states, $6
 * the states they were decided from (a row whose state is no longer that is left as it is).
 */
export const APPLY_TRANSITIONS: RawStatement = {
  name: "updraft_apply_transitions_v1",
  text: `update task_instances ti set state = k.to_state, next_retry_at = null, updated_at = now(),
      start_date = case when k.to_state = 'scheduled' then ti.start_date else $1::timestamptz end,
      end_date = case when k.to_state = 'scheduled' then ti.end_date else $1::timestamptz end,
      duration = case when k.to_state = 'scheduled' then ti.duration else 0 end
    from unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) as k(dag_id, run_id, task_id, to_state, from_state)
    where ti.dag_id = k.dag_id and ti.run_id = k.run_id and ti.task_id = k.task_id and ti.state is not distinct from k.from_state`,
};

/** running -> $1 (success or failed) at $2 for the runs with ids $3. Rows: the ids moved. */
export const END_RUNS: RawStatement = {
  name: "updraft_end_runs_v1",
  text: "update dag_runs set state = $1, end_date = $2::timestamptz where id = any($3::bigint[]) and state = 'running' returning id",
};
