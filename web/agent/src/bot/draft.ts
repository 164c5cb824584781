/** The bot form's fields, read back into the API's shape (flows from the step editor). */
import { flowDraftOf, flowOf, type FlowDraft } from "./flowDraft";
import type { BotConfigIn, BotConfigOut } from "./queries";

export interface BotDraft {
  enabled: boolean;
  name: string;
  threshold: string;
  flows: FlowDraft[];
}

export const DEFAULT_DRAFT: BotDraft = { enabled: false, name: "Bot", threshold: "0.75", flows: [] };

export function draftOf(config: BotConfigOut | undefined): BotDraft {
  if (!config) return DEFAULT_DRAFT;
  return {
    enabled: config.enabled,
    name: config.name,
    threshold: String(config.threshold),
    flows: config.flows.map(flowDraftOf),
  };
}

/** The body to send, or the field whose text cannot be read and why. */
export function bodyOf(draft: BotDraft): { body: BotConfigIn } | { field: "threshold"; msg: string } {
  const threshold = Number(draft.threshold);
  if (draft.threshold.trim() === "" || !Number.isFinite(threshold)) return { field: "threshold", msg: "a number from 0 to 1" };
  return { body: { enabled: draft.enabled, name: draft.name, threshold, flows: draft.flows.map(flowOf) } };
}
