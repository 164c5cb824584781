import type { Schemas } from "../api/client";
import { t, type Key } from "../i18n/i18n";

export type CallbackOut = Schemas["CallbackOut"];

export interface CallbackDue {
  /** What the chip says: "due in 4:12", "overdue 1:30", "due in 2h 05m", "Callback done". */
  text: string;
  tone: "due" | "soon" | "overdue" | "ended";
  /** The moment the chip talks about (the due time), for a tooltip. */
  at: string;
}

const ENDED: Record<Exclude<CallbackOut["status"], "pending">, Key> = {
  done: "callback.done",
  failed: "callback.failed",
  cancelled: "callback.cancelled",
};

const SOON_MS = 60_000; // the last minute before the deadline is shown as "soon"

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

/** A span as a count-down: 4:12 under an hour, 2h 05m under a day, 3d 4h beyond. */
export function countdown(ms: number): string {
  const seconds = Math.floor(Math.abs(ms) / 1000);
  if (seconds < 3600) return `${Math.floor(seconds / 60)}:${pad(seconds % 60)}`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 24 * 60) return `${Math.floor(minutes / 60)}h ${pad(minutes % 60)}m`;
  const hours = Math.floor(minutes / 60);
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
}

/** How a callback stands at `now`: counting down to its due time, overdue, or ended. */
export function callbackDue(callback: Pick<CallbackOut, "status" | "due_at">, now: number): CallbackDue {
  if (callback.status !== "pending") return { text: t(ENDED[callback.status]), tone: "ended", at: callback.due_at };
  const due = Date.parse(callback.due_at);
  if (Number.isNaN(due)) return { text: t("callback.callback"), tone: "due", at: callback.due_at };
  const left = due - now;
  if (left <= 0) return { text: t("callback.overdue", { time: countdown(left) }), tone: "overdue", at: callback.due_at };
  return { text: t("callback.dueIn", { time: countdown(left) }), tone: left <= SOON_MS ? "soon" : "due", at: callback.due_at };
}

/** The chip class for a tone: red once overdue, amber in the last minute. */
export function dueChipClass(tone: CallbackDue["tone"]): string {
  switch (tone) {
    case "overdue":
      return "chip chip--danger";
    case "soon":
      return "chip chip--warn";
    case "ended":
      return "chip chip--muted";
    default:
      return "chip chip--accent";
  }
}
