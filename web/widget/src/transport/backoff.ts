// Reconnect delays: exponential from 0.5 s, capped at 15 s, with ±20 % jitter
// so that a server restart is not followed by every visitor at the same instant.

export const BACKOFF_MIN_MS = 500;
export const BACKOFF_MAX_MS = 15_000;
const JITTER = 0.2;

/** Delay before reconnect attempt number `attempt` (0 = first retry). */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** Math.max(0, attempt));
  const jittered = base * (1 + (random() * 2 - 1) * JITTER);
  return Math.round(Math.min(BACKOFF_MAX_MS, Math.max(BACKOFF_MIN_MS, jittered)));
}
