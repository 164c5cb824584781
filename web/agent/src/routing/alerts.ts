/** The wallboard's recent alerts (SLA warnings, breaches, unroutable tasks) from `alert.raised` frames. */
import type { RoutingAlertKind } from "../realtime/frames";
import type { TaskOut } from "./stats";

export interface RoutingAlert {
  kind: RoutingAlertKind;
  task: TaskOut;
  /** When it arrived (this browser's clock, ms). */
  at: number;
}

export const ALERT_LABELS: Record<RoutingAlertKind, string> = {
  sla_warning: "SLA warning",
  sla_breached: "SLA breached",
  unroutable: "Unroutable",
};

export const MAX_ALERTS = 30;

/** Newest first; a repeat of the same alert for the same task moves to the top instead of doubling. */
export function pushAlert(list: readonly RoutingAlert[], alert: RoutingAlert, max: number = MAX_ALERTS): RoutingAlert[] {
  const rest = list.filter((a) => !(a.kind === alert.kind && a.task.id === alert.task.id));
  return [alert, ...rest].slice(0, max);
}
