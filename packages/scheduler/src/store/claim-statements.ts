// The claim's statements as fixed texts (runStatement: a named prepared statement on
// node-postgres, parsed once per connection), sent on every scheduler pass. What each reads and
// why it is written so is said where it is used (claim-store.ts).
import type { RawStatement } from "@updraft/db";

/** $1 the lock's key (bigint). Row: `locked`. */
export const CLAIM_LOCK: RawStatement = { name: "updraft_claim_lock_v1", text: "select pg_try_advisory_xact_lock($1::bigint) as locked" };

/** Task instances in use per DAG and pool, and the pools' sizes (rows with a null dag_id). */
export const SLOTS_IN_USE: RawStatement = {
  name: "updraft_slots_in_use_v1",
  text: `select dag_id, pool, count(*) as n, sum(pool_slots) as slots from task_instances where state in ('queued', 'running') group by dag_id, pool
    union all
    select null, name, 0, slots from pools`,
};

/** $1 dag ids, $2 task ids (the tasks with a maxActiveTisPerDag): their instances in use. */
export const TASK_TIS_IN_USE: RawStatement = {
  name: "updraft_task_tis_in_use_v1",
  text: `select ti.dag_id, ti.task_id, count(*) as n from task_instances ti
    join unnest($1::text[], $2::text[]) as k(dag_id, task_id) on ti.dag_id = k.dag_id and ti.task_id = k.task_id
    where ti.state in ('queued', 'running') group by ti.dag_id, ti.task_id`,
};

/** The claim's order over what was read (the LATERAL reads in the index's own words). */
const order = (t: string) => `${t}.priority_weight desc, ${t}.run_logical_date, ${t}.run_id collate "C", ${t}.task_id collate "C", ${t}.dag_id collate "C"`;

/**
 * The candidates: $1 pool names and $2 their open slots; $3 dag ids and $4 task ids of the tasks
 * at their maxActiveTisPerDag; $5 dag ids and $6 their rooms; $7 the global room.
 */
export const CLAIM_CANDIDATES: RawStatement = {
  name: "updraft_claim_candidates_v1",
  text: `
    with po(pool, open) as (select * from unnest($1::text[], $2::int[])),
    tf(dag_id, task_id) as (select * from unnest($3::text[], $4::text[])),
    c as (
      select x.*, d.room, po.open from unnest($5::text[], $6::int[]) as d(dag_id, room)
      cross join po
      cross join lateral (
        select ti.dag_id, ti.run_id, ti.task_id, ti.try_number, ti.max_tries, ti.queue, ti.pool, ti.pool_slots, ti.priority_weight,
          ti.run_logical_date, ti.ctid::text as row_version
        from task_instances ti
        where ti.dag_id = d.dag_id and ti.pool = po.pool and ti.state = 'scheduled' and ti.pool_slots <= po.open
          and (ti.run_id || '') = any(array(select r.run_id from dag_runs r where r.dag_id = d.dag_id and r.state = 'running'))
          and not exists (select 1 from tf where tf.dag_id = ti.dag_id and tf.task_id = ti.task_id)
        order by ti.priority_weight desc nulls last, ti.run_logical_date, ti.run_id collate "C", ti.task_id collate "C"
        limit least(d.room, po.open, $7::int)
      ) x
    ),
    per_dag as (select c.*, row_number() over (partition by c.dag_id order by ${order("c")}) as dag_rank from c),
    per_pool as (
      select per_dag.*, row_number() over (partition by per_dag.pool order by ${order("per_dag")}) as pool_rank
      from per_dag where per_dag.dag_rank <= per_dag.room
    )
    select p.dag_id, p.run_id, p.task_id, p.try_number, p.max_tries, p.queue, p.pool, p.pool_slots, p.priority_weight,
      p.row_version, r.logical_date, r.data_interval_start, r.data_interval_end, r.conf
    from per_pool p join dag_runs r on r.dag_id = p.dag_id and r.run_id = p.run_id
    where p.pool_rank <= least(p.open, $7::int)
    order by ${order("p")}
    limit $7::int`,
};

/** scheduled -> queued: $1 queued_at; $2 dag ids, $3 run ids, $4 task ids; $5 the rows' ctids as read. Rows: the keys claimed. */
export const MARK_QUEUED: RawStatement = {
  name: "updraft_mark_queued_v1",
  text: `update task_instances ti set state = 'queued', try_number = ti.try_number + 1, queued_at = $1::timestamptz,
      hostname = null, pid = null, worker_name = null, updated_at = now()
    from unnest($2::text[], $3::text[], $4::text[]) as k(dag_id, run_id, task_id)
    where ti.ctid = any($5::tid[])
      and ti.dag_id = k.dag_id and ti.run_id = k.run_id and ti.task_id = k.task_id and ti.state = 'scheduled'
    returning ti.dag_id, ti.run_id, ti.task_id`,
};
