/**
 * Phone calls of a conversation (docs/telephony.md): the query, the live
 * `call.updated` frames merged into it, and how a call reads on screen.
 */
import { useQuery, type QueryClient } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "../api/client";

export type CallOut = Schemas["CallOut"];

export const callKeys = {
  root: ["calls"] as const,
  conversation: (conversationId: string) => ["calls", "conversation", conversationId] as const,
  /** Inbound calls still ringing, newest first: the desktop's "incoming call" pop. */
  ringing: ["calls", "ringing"] as const,
};

export function useCalls(conversationId: string) {
  return useQuery({
    queryKey: callKeys.conversation(conversationId),
    queryFn: () =>
      unwrap(api.GET("/v1/conversations/{conversation_id}/calls", { params: { path: { conversation_id: conversationId } } })),
    select: (page) => page.items,
  });
}

/** Replaces the call with the same id, or adds it at the end (calls are oldest first). */
export function upsertCall(list: readonly CallOut[], call: CallOut): CallOut[] {
  const at = list.findIndex((c) => c.id === call.id);
  return at === -1 ? [...list, call] : list.map((c, i) => (i === at ? call : c));
}

/** A `call.updated` frame: into the conversation's calls (when loaded) and the ringing list. */
export function applyCall(client: QueryClient, call: CallOut): void {
  client.setQueryData<{ items: CallOut[] }>(callKeys.conversation(call.conversation_id), (page) =>
    page ? { items: upsertCall(page.items, call) } : page,
  );
  client.setQueryData<CallOut[]>(callKeys.ringing, (list = []) => {
    const others = list.filter((c) => c.id !== call.id);
    return call.direction === "inbound" && call.status === "ringing" ? [call, ...others] : others;
  });
}

/** The call still in progress, if any (one at a time per conversation). */
export function liveCall(calls: readonly CallOut[]): CallOut | null {
  return calls.find((c) => c.status !== "ended") ?? null;
}

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

const OUTCOMES: Record<NonNullable<CallOut["outcome"]>, string> = {
  reached: "answered",
  no_answer: "no answer",
  busy: "busy",
  voicemail: "voicemail",
  wrong_number: "wrong number",
  missed: "missed",
  agent_unreachable: "your phone did not answer",
};

/** One line for the call's state: "Ringing your phone…", "On call 0:12", "Call ended: busy". */
export function callLine(call: CallOut, now: number): string {
  switch (call.status) {
    case "requested":
      return call.direction === "outbound" ? "Ringing your phone…" : "Incoming call…";
    case "ringing":
      return call.direction === "outbound" ? `Ringing ${call.to_number}…` : `Incoming call from ${call.from_number}`;
    case "answered": {
      const since = call.answered_at ? (now - Date.parse(call.answered_at)) / 1000 : 0;
      return `On call ${formatDuration(since)}`;
    }
    case "ended": {
      const outcome = call.outcome ? OUTCOMES[call.outcome] : "ended";
      const took = call.duration_seconds ? ` · ${formatDuration(call.duration_seconds)}` : "";
      return `Call ended: ${outcome}${took}`;
    }
  }
}
