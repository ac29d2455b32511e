// Wake-up signals between processes through the database itself: whoever changes what the
// scheduler must react to (a finished task, a triggered run, a cleared task) sends a NOTIFY, and
// the scheduler listening on the channel runs its loop at once instead of at the next interval.
import { sql } from "drizzle-orm";
import type { UpdraftDb } from "./client.ts";

/** Channel the scheduler listens on. */
export const SCHEDULER_CHANNEL = "updraft_scheduler";

/** Asks every listening scheduler to run its loop now. Delivered when the surrounding transaction commits. */
export async function wakeScheduler(db: Pick<UpdraftDb, "execute">, reason = ""): Promise<void> {
  await db.execute(sql`select pg_notify(${SCHEDULER_CHANNEL}, ${reason})`);
}
