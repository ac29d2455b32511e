// The two statements that write a batch of try changes (recordTryBatch): fixed texts over `unnest`
// arrays, so one prepared statement serves a batch of any size, run past drizzle's builder
// (raw-statement.ts). Their column names are the schema's (schema/task-instances.ts, xcom.ts,
// task-logs.ts); the repository tests run them on both drivers. Each returns, per change it took,
// the change's 1-based position in its arrays (`with ordinality`), not its key: the caller maps
// results back without building key strings.
import type { RawStatement } from "../raw-statement.ts";

/** queued -> running for the tries in $1..$8; fenced by try number and state = 'queued'. */
const MARK_UPDATE = `update task_instances ti set state = 'running', start_date = m.at, end_date = null, duration = null, hostname = m.host,
    worker_name = m.worker, pid = m.pid, last_heartbeat_at = m.at, updated_at = now()
  from unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[], $6::text[], $7::int[], $8::timestamptz[]) with ordinality
    as m(dag_id, run_id, task_id, try_number, host, worker, pid, at, i)
  where ti.dag_id = m.dag_id and ti.run_id = m.run_id and ti.task_id = m.task_id and ti.try_number = m.try_number and ti.state = 'queued'
  returning m.i::int as i`;

/** Running-marks alone. Rows: `i` of each mark taken. */
export const MARK_TRIES: RawStatement = { name: "updraft_mark_tries_v1", text: MARK_UPDATE };

/**
 * Running-marks ($1..$8), finishes ($9..$19), log lines ($20..$26) and the scheduler's wake-up
 * ($27 channel, $28 payload, sent when a finish was taken) in ONE statement: data-modifying CTEs,
 * atomic, one round trip, no BEGIN/COMMIT. Every CTE sees the same snapshot, so a try must not be
 * both marked and finished here (recordTryBatch then uses a transaction of two). Rows: `kind` 'm'
 * with the `i` of each mark taken; 'f' with the `i` and new `state` of each finish taken.
 */
export const RECORD_TRIES: RawStatement = {
  name: "updraft_record_tries_v1",
  text: `with marked as (
    ${MARK_UPDATE}
  ),
  k as (
    select * from unnest($9::text[], $10::text[], $11::text[], $12::int[], $13::text[], $14::timestamptz[],
      $15::text[], $16::timestamptz[], $17::text[], $18::text[], $19::text[]) with ordinality
      as k(dag_id, run_id, task_id, try_number, result, at, state_more, retry_more, state_last, value, error, i)
  ),
  done as (
    update task_instances ti set
      state = case when ti.try_number < ti.max_tries then k.state_more else k.state_last end,
      next_retry_at = case when ti.try_number < ti.max_tries then k.retry_more end,
      end_date = k.at, duration = extract(epoch from (k.at - ti.start_date)), updated_at = now()
    from k
    where ti.dag_id = k.dag_id and ti.run_id = k.run_id and ti.task_id = k.task_id and ti.try_number = k.try_number and ti.state = 'running'
    returning ti.dag_id, ti.run_id, ti.task_id, ti.try_number, ti.state, ti.start_date, ti.duration, ti.hostname, ti.worker_name, ti.pid,
      ti.queue, ti.pool, k.result, k.at, k.value, k.error, k.i
  ),
  results as (
    insert into xcom (dag_id, run_id, task_id, key, value, created_at)
    select dag_id, run_id, task_id, 'return_value', value::jsonb, at from done where result = 'success'
    on conflict (dag_id, run_id, task_id, key) do update set value = excluded.value, created_at = excluded.created_at
  ),
  history as (
    insert into task_instance_history (dag_id, run_id, task_id, try_number, state, start_date, end_date, duration, hostname, worker_name, pid, queue, pool, error)
    select dag_id, run_id, task_id, try_number, result, start_date, at, duration, hostname, worker_name, pid, queue, pool, error from done
    on conflict do nothing
  ),
  lines as (
    insert into task_logs (dag_id, run_id, task_id, try_number, ts, stream, line)
    select * from unnest($20::text[], $21::text[], $22::text[], $23::int[], $24::timestamptz[], $25::text[], $26::text[])
  ),
  wake as (select pg_notify($27, $28) from (select 1 from done limit 1) d)
  select 'm'::text as kind, i, null::text as state, 0::bigint as woken from marked
  union all
  select 'f'::text, i::int, state::text, (select count(*) from wake) from done`,
};
