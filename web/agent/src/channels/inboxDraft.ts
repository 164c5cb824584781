/**
 * The "Add inbox" form as data: its fields come from the channel's
 * `config_fields` (GET /v1/channels) alone, so a channel added on the server
 * gets its form with no change here. The server's field errors
 * (["body", "config", "token"]) come back to the input of that setting.
 */
import type { ChannelOut } from "../api/client";
import { slotErrors, type SlotErrors } from "../ui/formErrors";
import type { ConfigFieldOut, InboxIn } from "./inboxes";

export interface InboxDraft {
  kind: string;
  name: string;
  /** Each setting of the channel as typed, by its name. */
  config: Record<string, string>;
}

/** One input of the form; `slot` is where its errors go ("name", "config.token"). */
export interface InboxInput {
  slot: string;
  label: string;
  /** A password input: the value is a credential. */
  secret: boolean;
  required: boolean;
  help: string;
}

/** An empty form for `channel`; the name is the channel's own unless the admin typed one (`name`). */
export function draftFor(channel: ChannelOut | undefined, name?: string): InboxDraft {
  return {
    kind: channel?.kind ?? "",
    name: name ?? channel?.display_name ?? "",
    config: Object.fromEntries((channel?.config_fields ?? []).map((f) => [f.name, ""])),
  };
}

/** The form's inputs: the inbox's name, then the channel's settings in the server's order. */
export function inboxInputs(fields: readonly ConfigFieldOut[]): InboxInput[] {
  return [
    { slot: "name", label: "Name", secret: false, required: true, help: "How agents and reports name this inbox." },
    ...fields.map((f) => ({ slot: `config.${f.name}`, label: f.label, secret: f.secret, required: f.required, help: f.help })),
  ];
}

/** What is sent: settings left empty are left out (the adapter decides whether they were needed). */
export function inboxBody(draft: InboxDraft): InboxIn {
  const config: Record<string, string> = {};
  for (const [name, value] of Object.entries(draft.config)) {
    // Secrets are sent as pasted: a token's spaces are the provider's business.
    if (value.trim() !== "") config[name] = value;
  }
  return { kind: draft.kind, name: draft.name.trim(), config };
}

/** Required inputs left empty, by slot, so the admin hears it before a round trip. */
export function missingRequired(draft: InboxDraft, fields: readonly ConfigFieldOut[]): Record<string, string> {
  const out: Record<string, string> = {};
  if (draft.name.trim() === "") out.name = "Required";
  for (const f of fields) {
    if (f.required && (draft.config[f.name] ?? "").trim() === "") out[`config.${f.name}`] = "Required";
  }
  return out;
}

/**
 * A problem's path to the input it is about: "name", "kind", or a setting of
 * this channel ("config.token", also "config.token.0" from a nested check);
 * anything else is the form's message.
 */
export function inboxErrorSlot(path: string, fields: readonly ConfigFieldOut[]): string | null {
  const [head, name] = path.split(".");
  if (head === "name" || head === "kind") return head;
  if (head === "config" && name !== undefined && fields.some((f) => f.name === name)) return `config.${name}`;
  return null;
}

export function inboxErrors(error: unknown, fields: readonly ConfigFieldOut[]): SlotErrors {
  return slotErrors(error, (path) => inboxErrorSlot(path, fields));
}
