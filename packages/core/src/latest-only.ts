// Airflow's LatestOnlyOperator decision: is this run the latest scheduled one, so that its
// downstream tasks should run? The SDK's latestOnly() task decides with it where its try runs.

export interface LatestOnlyInput {
  /** Runs a user or an API triggered always proceed, as Airflow's `external_trigger`. */
  externallyTriggered: boolean;
  /** End of this run's data interval. */
  dataIntervalEnd: Date | null;
  /** End of the interval after this run's (the next fire time after dataIntervalEnd); null when none. */
  nextDataIntervalEnd: Date | null;
  now: Date;
}

/**
 * As LatestOnlyOperator.choose_branch: proceed for externally triggered runs and when there is
 * no next interval; otherwise proceed only when now lies in (dataIntervalEnd, nextDataIntervalEnd],
 * i.e. this run's interval is the latest complete one.
 */
export function isLatestRun(input: LatestOnlyInput): boolean {
  if (input.externallyTriggered || input.dataIntervalEnd === null || input.nextDataIntervalEnd === null) return true;
  const now = input.now.getTime();
  return input.dataIntervalEnd.getTime() < now && now <= input.nextDataIntervalEnd.getTime();
}
