// Frame and payload types of the widget protocol, version 1
// (docs/widget-protocol.md), and a tolerant parser for server frames.

import type { ConversationStatus, ErrorFrame, MessageOut, OfferCard, ServerFrame } from "./frames.gen";

export const PROTOCOL_VERSION = 1;
export const MAX_BODY_LENGTH = 4000;

// The frames themselves, both ways, are generated from the server's models
// (frames.gen.ts, `make openapi`); these names are the widget's for them.
export type { ClientFrame, ErrorFrame, ServerFrame } from "./frames.gen";
export type Message = MessageOut;
export type AuthorType = MessageOut["author_type"];
export type Conversation = ConversationStatus;
export type Offer = OfferCard;
export type OfferKind = OfferCard["kind"];

export interface WidgetSettings {
  title: string;
  greeting: string;
  color: string;
  /** The site key requires the visitor's consent before any tracking (docs/tracker-protocol.md). */
  require_consent?: boolean;
}

/** Response of `POST /v1/widget/session`. */
export interface SessionResponse {
  visitor_id: string;
  token: string;
  settings: WidgetSettings;
}

/** Response of `GET /v1/widget/messages`. */
export interface MessagePage {
  items: Message[];
  has_more: boolean;
}

/** WebSocket close codes the server uses to refuse a connection. */
export const CLOSE_FORBIDDEN = 4403; // unknown site key or origin not allowed
export const CLOSE_BAD_TOKEN = 4401; // invalid or expired visitor token

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isString(value: unknown): value is string {
  return typeof value === "string";
}

function isNullableString(value: unknown): value is string | null {
  return value === null || typeof value === "string";
}

export function parseMessage(value: unknown): Message | null {
  if (!isObject(value)) return null;
  const { id, conversation_id, author_type, author_id, author_name, body, client_id, created_at } =
    value;
  if (!isString(id) || !isString(body) || !isString(created_at)) return null;
  if (author_type !== "visitor" && author_type !== "agent" && author_type !== "system") return null;
  return {
    id,
    conversation_id: isString(conversation_id) ? conversation_id : "",
    author_type,
    author_id: isNullableString(author_id) ? author_id : null,
    author_name: isNullableString(author_name) ? author_name : null,
    body,
    client_id: isNullableString(client_id) ? client_id : null,
    private: value.private === true, // never true here: a visitor is sent no team notes
    created_at,
  };
}

export function parseMessages(value: unknown): Message[] {
  if (!Array.isArray(value)) return [];
  const out: Message[] = [];
  for (const item of value) {
    const message = parseMessage(item);
    if (message) out.push(message);
  }
  return out;
}

function parseConversation(value: unknown): Conversation | null {
  if (!isObject(value) || !isString(value.id)) return null;
  if (value.status !== "open" && value.status !== "closed") return null;
  return { id: value.id, status: value.status };
}

const OFFER_KINDS: readonly string[] = ["chat", "callback", "cobrowse", "message"];

function parseOffer(value: unknown): Offer | null {
  if (!isObject(value) || !isString(value.id) || !isString(value.text) || !isString(value.expires_at)) return null;
  if (!isString(value.kind) || !OFFER_KINDS.includes(value.kind)) return null;
  return { id: value.id, kind: value.kind as OfferKind, text: value.text, expires_at: value.expires_at };
}

/**
 * Parse one text frame from the server. Returns null for anything that is
 * not JSON, not an object, of an unknown type, or missing required fields:
 * the widget ignores such frames instead of crashing.
 */
export function parseServerFrame(raw: unknown): ServerFrame | null {
  if (typeof raw !== "string") return null;
  try {
    return toServerFrame(JSON.parse(raw));
  } catch {
    return null;
  }
}

/** Validate an already parsed frame (the loader's link hands frames over as JSON objects). */
export function toServerFrame(data: unknown): ServerFrame | null {
  if (!isObject(data)) return null;
  switch (data.type) {
    case "hello":
      if (!isString(data.visitor_id)) return null;
      return {
        type: "hello",
        v: typeof data.v === "number" ? data.v : PROTOCOL_VERSION,
        visitor_id: data.visitor_id,
        conversation: parseConversation(data.conversation),
        messages: parseMessages(data.messages),
      };
    case "message.ack": {
      const message = parseMessage(data.message);
      if (!message || !isString(data.client_id)) return null;
      return { type: "message.ack", client_id: data.client_id, message };
    }
    case "message": {
      const message = parseMessage(data.message);
      return message ? { type: "message", message } : null;
    }
    case "typing":
      if (typeof data.state !== "boolean") return null;
      return {
        type: "typing",
        author_type: "agent",
        author_name: isString(data.author_name) ? data.author_name : "",
        state: data.state,
      };
    case "conversation": {
      const conversation = parseConversation(data.conversation);
      return conversation ? { type: "conversation", conversation } : null;
    }
    case "error": {
      const frame: ErrorFrame = {
        type: "error",
        code: isString(data.code) ? data.code : "error",
        detail: isString(data.detail) ? data.detail : "Something went wrong.",
      };
      if (isString(data.client_id)) frame.client_id = data.client_id;
      return frame;
    }
    case "pong":
      return { type: "pong" };
    case "offer": {
      const offer = parseOffer(data.offer);
      return offer ? { type: "offer", offer } : null;
    }
    default:
      return null;
  }
}

export function parseSessionResponse(value: unknown): SessionResponse | null {
  if (!isObject(value) || !isString(value.visitor_id) || !isString(value.token)) return null;
  const s = isObject(value.settings) ? value.settings : {};
  return {
    visitor_id: value.visitor_id,
    token: value.token,
    settings: {
      title: isString(s.title) ? s.title : "Chat",
      greeting: isString(s.greeting) ? s.greeting : "",
      color: isString(s.color) && /^#[0-9a-fA-F]{3,8}$/.test(s.color) ? s.color : "#4f46e5",
      require_consent: s.require_consent === true,
    },
  };
}
