/**
 * What the desktop keeps of the router's live frames beyond the query cache:
 * the waiting trend, the recent alerts, and how far this browser's clock is
 * from the server's (so waits tick and countdowns end on the server's time).
 * Fed by the realtime provider from the moment the desktop opens, so the
 * wallboard shows the minutes before it was opened too.
 */
import { useSyncExternalStore } from "react";
import type { RoutingAlertKind } from "../realtime/frames";
import { pushAlert, type RoutingAlert } from "./alerts";
import { totalWaiting, type RoutingStats, type TaskOut } from "./stats";
import { appendPoint, type WaitingPoint } from "./waitingHistory";

export interface RoutingLive {
  history: WaitingPoint[];
  alerts: RoutingAlert[];
  /** This browser's clock minus the server's (ms), from the last figures. */
  clockOffsetMs: number;
}

const EMPTY: RoutingLive = { history: [], alerts: [], clockOffsetMs: 0 };
let state: RoutingLive = EMPTY;
const listeners = new Set<() => void>();

function set(next: RoutingLive): void {
  state = next;
  for (const listener of listeners) listener();
}

export function recordStats(stats: RoutingStats, receivedAt: number = Date.now()): void {
  set({
    ...state,
    clockOffsetMs: receivedAt - Date.parse(stats.at),
    history: appendPoint(state.history, { t: receivedAt, waiting: totalWaiting(stats) }),
  });
}

export function recordAlert(kind: RoutingAlertKind, task: TaskOut, receivedAt: number = Date.now()): void {
  set({ ...state, alerts: pushAlert(state.alerts, { kind, task, at: receivedAt }) });
}

/** Forget everything (the desktop closed: another agent may sign in next). */
export function resetRoutingLive(): void {
  set(EMPTY);
}

export function routingLive(): RoutingLive {
  return state;
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useRoutingLive(): RoutingLive {
  return useSyncExternalStore(subscribe, routingLive);
}

/** A server time (ISO) on this browser's clock. */
export function localTime(serverIso: string, clockOffsetMs: number): number {
  return Date.parse(serverIso) + clockOffsetMs;
}
