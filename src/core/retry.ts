/**
 * When a batch is tried again: Neo4j's transient errors (deadlocks, a leader switch, resources short
 * for now) and a lost connection pass with time, so the batch's transaction is retried after a
 * growing, jittered wait, a bounded number of times; any other error stops the job at once.
 */

export interface RetryOptions {
  /** tries after the first failure (default 5; 0: never retry) */
  retries?: number;
  /** wait before the first retry (default 200 ms); each next wait doubles */
  initialDelayMs?: number;
  /** the longest wait (default 10 s) */
  maxDelayMs?: number;
}

export const DEFAULT_RETRY: Required<RetryOptions> = { retries: 5, initialDelayMs: 200, maxDelayMs: 10_000 };

/** The driver's codes for a connection lost or a server gone while a transaction ran. */
const CONNECTION_CODES = new Set(['ServiceUnavailable', 'SessionExpired']);
/** Transient by name, yet terminated on purpose (an operator, a timeout): the driver does not retry them either. */
const NOT_RETRIED = new Set(['Neo.TransientError.Transaction.Terminated', 'Neo.TransientError.Transaction.LockClientStopped']);

/** Whether an error with this Neo4j code is worth trying again. */
export function isTransient(code: string | undefined): boolean {
  if (!code) return false;
  if (NOT_RETRIED.has(code)) return false;
  return code.startsWith('Neo.TransientError.') || CONNECTION_CODES.has(code);
}

/** The retry options with defaults, or a message saying which one is not valid. */
export function retryPolicy(options: RetryOptions = {}): Required<RetryOptions> | string {
  const policy = { ...DEFAULT_RETRY, ...options };
  for (const [name, value] of Object.entries(policy)) {
    if (!Number.isFinite(value) || value < 0) return `retry.${name} must be a number of at least 0, not ${String(value)}`;
  }
  if (!Number.isInteger(policy.retries)) return `retry.retries must be a whole number, not ${policy.retries}`;
  return policy;
}

/**
 * The wait before retry `attempt` (1 = the first retry): initialDelayMs doubled per attempt, capped at
 * maxDelayMs, between half of that and all of it so two blocked writers do not retry in step.
 */
export function backoffDelay(attempt: number, policy: Required<RetryOptions>, random: () => number = Math.random): number {
  const full = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(full / 2 + (full / 2) * random());
}
