/** The status menu: a status, and for busy and away an optional reason (presets, or one set elsewhere). */
import type { Presence } from "../api/client";

export const PRESENCE_LABELS: Record<Presence, string> = { online: "Online", busy: "Busy", away: "Away", offline: "Offline" };
const STATUSES: readonly Presence[] = ["online", "busy", "away", "offline"];
export const PRESET_REASONS = ["Lunch", "Meeting", "Training"] as const;
const WITH_REASONS: readonly Presence[] = ["busy", "away"];

export interface PresenceChoice {
  status: Presence;
  reason: string | null;
}

export interface ChoiceGroup {
  label: string;
  options: { value: string; label: string }[];
}

/** The option value: "away", or "away:Lunch" with a reason (a plain status stays its own value). */
export function choiceValue({ status, reason }: PresenceChoice): string {
  return reason && WITH_REASONS.includes(status) ? `${status}:${reason}` : status;
}

export function parseChoice(value: string): PresenceChoice {
  const at = value.indexOf(":");
  const status = (at === -1 ? value : value.slice(0, at)) as Presence;
  const reason = at === -1 ? null : value.slice(at + 1).trim() || null;
  return { status: STATUSES.includes(status) ? status : "online", reason: WITH_REASONS.includes(status) ? reason : null };
}

/** "Away · Lunch", "Online". */
export function presenceLabel(status: Presence, reason: string | null | undefined): string {
  return reason ? `${PRESENCE_LABELS[status]} · ${reason}` : PRESENCE_LABELS[status];
}

/** The menu, with the current reason listed even if it is not a preset (set over the API). */
export function presenceMenu(current: PresenceChoice): ChoiceGroup[] {
  return STATUSES.map((status) => {
    const options: ChoiceGroup["options"] = [{ value: status, label: PRESENCE_LABELS[status] }];
    if (WITH_REASONS.includes(status)) {
      const reasons: string[] = [...PRESET_REASONS];
      if (current.status === status && current.reason && !reasons.includes(current.reason)) reasons.push(current.reason);
      for (const reason of reasons) options.push({ value: choiceValue({ status, reason }), label: presenceLabel(status, reason) });
    }
    return { label: PRESENCE_LABELS[status], options };
  });
}
