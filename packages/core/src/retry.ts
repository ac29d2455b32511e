// When the next try of a failed task instance may start. Pure: the caller passes the clock.

export interface RetryPolicy {
  retries: number;
  retryDelayMs: number;
  retryExponentialBackoff: boolean;
  maxRetryDelayMs: number | null;
}

/** Airflow's default cap on an exponential retry delay: one day. */
export const DEFAULT_MAX_RETRY_DELAY_MS = 86_400_000;

/**
 * Delay in ms before the try after `tryNumber` (1-based): the fixed `retryDelayMs`, or with
 * `retryExponentialBackoff` that delay doubled per try and capped by `maxRetryDelayMs` (default
 * one day). As Airflow's `TaskInstance.next_retry_datetime`, `max_retry_delay` caps only
 * exponential backoff: a fixed delay is never shortened.
 */
export function retryDelayMs(policy: RetryPolicy, tryNumber: number): number {
  if (!policy.retryExponentialBackoff) return policy.retryDelayMs;
  const cap = policy.maxRetryDelayMs ?? DEFAULT_MAX_RETRY_DELAY_MS;
  const exponent = Math.max(0, tryNumber - 1);
  return Math.min(policy.retryDelayMs * 2 ** exponent, cap);
}

export function nextRetryAt(policy: RetryPolicy, tryNumber: number, failedAt: Date): Date {
  return new Date(failedAt.getTime() + retryDelayMs(policy, tryNumber));
}

/** The retry policy of a task (any object with the serialized task's retry fields); none when unknown. */
export function retryPolicyOf(spec: Partial<RetryPolicy> | undefined): RetryPolicy {
  return {
    retries: spec?.retries ?? 0,
    retryDelayMs: spec?.retryDelayMs ?? 0,
    retryExponentialBackoff: spec?.retryExponentialBackoff ?? false,
    maxRetryDelayMs: spec?.maxRetryDelayMs ?? null,
  };
}
