// Frame and payload types of the widget protocol, version 1
// (docs/widget-protocol.md), and a tolerant parser for server frames.

export const PROTOCOL_VERSION = 1;
export const MAX_BODY_LENGTH = 4000;

export type AuthorType = "visitor" | "agent" | "system";

export interface Message {
  id: string;
  conversation_id: string;
  author_type: AuthorType;
  author_id: string | null;
  author_name: string | null;
  body: string;
  client_id: string | null;
  created_at: string;
}

export interface Conversation {
  id: string;
  status: string;
}

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

// Server -> visitor
export interface HelloFrame {
  type: "hello";
  v: number;
  visitor_id: string;
  conversation: Conversation | null;
  messages: Message[];
}
export interface MessageAckFrame {
  type: "message.ack";
  client_id: string;
  message: Message;
}
export interface MessageFrame {
  type: "message";
  message: Message;
}
export interface TypingFrame {
  type: "typing";
  author_type: "agent";
  author_name: string | null;
  state: boolean;
}
export interface ConversationFrame {
  type: "conversation";
  conversation: Conversation;
}
export interface ErrorFrame {
  type: "error";
  code: string;
  detail: string;
  client_id?: string;
}
export interface PongFrame {
  type: "pong";
}
export type OfferKind = "chat" | "callback" | "cobrowse" | "message";
export interface Offer {
  id: string;
  kind: OfferKind;
  text: string;
  expires_at: string | null;
}
export interface OfferFrame {
  type: "offer";
  offer: Offer;
}

export type ServerFrame =
  | HelloFrame
  | MessageAckFrame
  | MessageFrame
  | TypingFrame
  | ConversationFrame
  | ErrorFrame
  | PongFrame
  | OfferFrame;

// Visitor -> server
export type ClientFrame =
  | { type: "message.send"; client_id: string; body: string }
  | { type: "typing"; state: boolean }
  | { type: "ping" }
  | { type: "offer.shown" | "offer.declined"; offer_id: string }
  | { type: "offer.accepted"; offer_id: string; phone?: string; preferred_time?: string };

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
  if (!isObject(value) || !isString(value.id) || !isString(value.status)) return null;
  return { id: value.id, status: value.status };
}

const OFFER_KINDS: readonly string[] = ["chat", "callback", "cobrowse", "message"];

function parseOffer(value: unknown): Offer | null {
  if (!isObject(value) || !isString(value.id) || !isString(value.text)) return null;
  if (!isString(value.kind) || !OFFER_KINDS.includes(value.kind)) return null;
  return {
    id: value.id,
    kind: value.kind as OfferKind,
    text: value.text,
    expires_at: isString(value.expires_at) ? value.expires_at : null,
  };
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
        author_name: isString(data.author_name) ? data.author_name : null,
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
