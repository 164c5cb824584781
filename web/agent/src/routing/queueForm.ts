/**
 * The queue editor's draft (what the inputs hold, as text) and its way to and
 * from the API, plus where each of the server's field errors goes: a bad CEL
 * target of step 2 comes back at ["steps", 1, "target"] and is shown under
 * that step's target input.
 */
import { NO_SLOT_ERRORS, slotErrors, type SlotErrors } from "../ui/formErrors";
import type { QueueIn, QueueOut } from "./queries";

export type Strategy = QueueIn["strategy"];

export interface StepDraft {
  target: string;
  /** Seconds before the next step; empty: no timeout (the last step). */
  timeout: string;
}

export interface QueueDraft {
  name: string;
  channels: string[];
  steps: StepDraft[];
  strategy: Strategy;
  overflowQueueId: string;
  /** Seconds per channel; empty: the channel's default. */
  sla: Record<string, string>;
  sticky: string;
  wrapUp: string;
  reservation: string;
  autoAccept: boolean;
  weightSkill: string;
}

export const DEFAULT_RESERVATION_SECONDS = 30;

export const EMPTY_QUEUE: QueueDraft = {
  name: "",
  channels: [],
  steps: [{ target: "", timeout: "" }],
  strategy: "least_occupied",
  overflowQueueId: "",
  sla: {},
  sticky: "0",
  wrapUp: "0",
  reservation: String(DEFAULT_RESERVATION_SECONDS),
  autoAccept: true,
  weightSkill: "",
};

function text(n: number | null | undefined): string {
  return n === null || n === undefined ? "" : String(n);
}

export function draftFromQueue(queue: QueueOut): QueueDraft {
  return {
    name: queue.name,
    channels: [...queue.channels],
    steps: queue.steps.map((s) => ({ target: s.target ?? "", timeout: text(s.timeout_seconds) })),
    strategy: queue.strategy,
    overflowQueueId: queue.overflow_queue_id ?? "",
    sla: Object.fromEntries(Object.entries(queue.sla_seconds).map(([c, s]) => [c, String(s)])),
    sticky: text(queue.sticky_seconds),
    wrapUp: text(queue.wrap_up_seconds),
    reservation: text(queue.reservation_seconds),
    autoAccept: queue.auto_accept,
    weightSkill: queue.weight_skill ?? "",
  };
}

/** A number as typed; "" gives `empty`. Anything else unreadable goes as NaN (null in JSON), so the server names the field. */
function number(value: string, empty: number | null): number | null {
  const trimmed = value.trim();
  if (trimmed === "") return empty;
  const n = Number(trimmed);
  return Number.isFinite(n) ? n : Number.NaN;
}

export function queueBody(draft: QueueDraft): QueueIn {
  const sla: Record<string, number> = {};
  for (const [channel, seconds] of Object.entries(draft.sla)) {
    const n = number(seconds, null);
    if (n !== null) sla[channel] = n;
  }
  return {
    name: draft.name.trim(),
    channels: draft.channels,
    steps: draft.steps.map((s) => ({ target: s.target.trim(), timeout_seconds: number(s.timeout, null) })),
    strategy: draft.strategy,
    overflow_queue_id: draft.overflowQueueId || null,
    sla_seconds: sla,
    sticky_seconds: number(draft.sticky, 0) as number,
    wrap_up_seconds: number(draft.wrapUp, 0) as number,
    reservation_seconds: number(draft.reservation, DEFAULT_RESERVATION_SECONDS) as number,
    auto_accept: draft.autoAccept,
    weight_skill: draft.weightSkill.trim() || null,
  };
}

/** Channels the SLA inputs show: the server's (`channelKinds`) and any the queue already has a target for. */
export function slaChannels(draft: QueueDraft, channelKinds: readonly string[]): string[] {
  return [...new Set([...channelKinds, ...draft.channels, ...Object.keys(draft.sla)])];
}

const TOP_LEVEL = new Set([
  "name",
  "channels",
  "steps",
  "strategy",
  "overflow_queue_id",
  "sla_seconds",
  "sticky_seconds",
  "wrap_up_seconds",
  "reservation_seconds",
  "auto_accept",
  "weight_skill",
]);

/**
 * Which control shows an error at `path` (problemPath: "steps.1.target"):
 * that control if the form has it ("steps.1.target", "sla_seconds.webchat"),
 * else its section ("steps", "sla_seconds"), else null (the form's message).
 */
export function queueErrorSlot(path: string, draft: QueueDraft, channelKinds: readonly string[]): string | null {
  const [head, second, third] = path.split(".");
  if (head === "steps" && second !== undefined && /^\d+$/.test(second) && Number(second) < draft.steps.length) {
    const field = third === "timeout_seconds" ? "timeout_seconds" : "target";
    return `steps.${second}.${field}`;
  }
  if (head === "sla_seconds" && second !== undefined && slaChannels(draft, channelKinds).includes(second)) return `sla_seconds.${second}`;
  return head !== undefined && TOP_LEVEL.has(head) ? head : null;
}

export type QueueErrors = SlotErrors;

export const NO_QUEUE_ERRORS: QueueErrors = NO_SLOT_ERRORS;

export function queueErrors(error: unknown, draft: QueueDraft, channelKinds: readonly string[]): QueueErrors {
  return slotErrors(error, (path) => queueErrorSlot(path, draft, channelKinds));
}
