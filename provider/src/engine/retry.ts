import { jitteredBackoff } from '../backoff';

/**
 * How the engine waits after losing a compare-and-swap race to another process: "full jitter"
 * exponential backoff (a random wait up to an exponentially growing cap), so competing writers
 * spread out instead of colliding again in lockstep. Bounded: after `maxAttempts` the operation
 * fails with CONTENTION rather than spinning forever.
 */
export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 100, baseDelayMs: 2, maxDelayMs: 250 };

export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  return jitteredBackoff(attempt, { baseMs: policy.baseDelayMs, maxMs: policy.maxDelayMs }, random);
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
