/** The bot form's text fields, read back into the API's shape (flows as JSON text). */
import type { BotConfigIn, BotConfigOut } from "./queries";

export interface BotDraft {
  enabled: boolean;
  name: string;
  threshold: string;
  flows: string;
}

export const DEFAULT_DRAFT: BotDraft = { enabled: false, name: "Bot", threshold: "0.75", flows: "[]" };

export function draftOf(config: BotConfigOut | undefined): BotDraft {
  if (!config) return DEFAULT_DRAFT;
  return {
    enabled: config.enabled,
    name: config.name,
    threshold: String(config.threshold),
    flows: JSON.stringify(config.flows, null, 2),
  };
}

/** The body to send, or the field whose text cannot be read and why. */
export function bodyOf(draft: BotDraft): { body: BotConfigIn } | { field: "threshold" | "flows"; msg: string } {
  const threshold = Number(draft.threshold);
  if (draft.threshold.trim() === "" || !Number.isFinite(threshold)) return { field: "threshold", msg: "a number from 0 to 1" };
  let flows: unknown;
  try {
    flows = JSON.parse(draft.flows.trim() || "[]");
  } catch (error) {
    return { field: "flows", msg: `not JSON: ${(error as Error).message}` };
  }
  if (!Array.isArray(flows)) return { field: "flows", msg: "a JSON list of flows: [ … ]" };
  return { body: { enabled: draft.enabled, name: draft.name, threshold, flows: flows as BotConfigIn["flows"] } };
}
