import { createContext, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { api, unwrap, type ConversationOut, type MeOut } from "../api/client";
import { keys } from "../api/keys";
import { selectedConversationId } from "../app/selection";
import { cachedCatalogue, useChannels } from "../channels/catalogue";
import { deliverBatch } from "../cobrowse/live";
import { applySession } from "../cobrowse/queries";
import { resetRoutingLive } from "../routing/liveStore";
import { applyRoutingFrame, isRoutingFrame } from "../routing/routingFrames";
import { applyConversation, applyFrame, type MergeContext } from "./cacheMerge";
import { invalidationKeys } from "./invalidation";
import type { ClientFrame, ServerFrame } from "./frames";
import { AgentSocket, agentSocketUrl, type ConnectionStatus } from "./socket";
import { flashTitle } from "./titleFlash";
import { setVisitorTyping } from "./typing";

interface Realtime {
  status: ConnectionStatus;
  nextRetryAt: number | null;
  send(frame: ClientFrame): boolean;
  retryNow(): void;
}

const RealtimeContext = createContext<Realtime>({
  status: "stopped",
  nextRetryAt: null,
  send: () => false,
  retryNow: () => undefined,
});

export function useRealtime(): Realtime {
  return useContext(RealtimeContext);
}

function wantsAttention(frame: ServerFrame, meId: string): string | null {
  if (frame.type === "conversation.created") {
    const assignee = frame.conversation.assignee;
    if (assignee === null || assignee.id === meId) return `New chat: ${frame.conversation.contact.name}`;
  }
  if (frame.type === "message.created" && frame.message.author_type === "visitor") {
    if (frame.message.conversation_id !== selectedConversationId() || document.visibilityState !== "visible") {
      return `New message${frame.message.author_name ? ` from ${frame.message.author_name}` : ""}`;
    }
  }
  return null;
}

/** Holds the desktop's one agent WebSocket and merges its frames into the cache. */
export function RealtimeProvider({ me, children }: { me: MeOut; children: ReactNode }) {
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<ConnectionStatus>("connecting");
  const [nextRetryAt, setNextRetryAt] = useState<number | null>(null);
  const socketRef = useRef<AgentSocket | null>(null);
  const meId = me.user.id;
  useChannels(); // loaded at sign-in: the desktop names channels from it

  useEffect(() => {
    const context = (): MergeContext => ({ meId, viewingConversationId: selectedConversationId() });
    const socket = new AgentSocket(agentSocketUrl(window.location), {
      onFrame(frame) {
        if (frame.type === "typing") {
          setVisitorTyping(frame.conversation_id, frame.state);
          return;
        }
        if (frame.type === "message.created" && frame.message.author_type === "visitor") {
          setVisitorTyping(frame.message.conversation_id, false);
        }
        if (isRoutingFrame(frame)) {
          const { reservedForMe } = applyRoutingFrame(queryClient, frame, meId);
          if (reservedForMe) flashTitle(`Incoming ${cachedCatalogue(queryClient).label(reservedForMe.channel).toLowerCase()}`);
          return;
        }
        if (frame.type === "cobrowse.batch") {
          deliverBatch(frame); // the page of a co-browse session, for its viewer
          return;
        }
        if (frame.type === "cobrowse.updated") {
          applySession(queryClient, frame.session);
          return;
        }
        if (frame.type === "ticket.changed" || frame.type === "contact.changed") {
          // Hints: refetch what is on screen about the ticket or the contacts.
          for (const key of invalidationKeys(frame)) void queryClient.invalidateQueries({ queryKey: key });
          return;
        }
        const effects = applyFrame(queryClient, frame, context());
        if (effects.unknownConversationId) {
          const id = effects.unknownConversationId;
          void unwrap(api.GET("/v1/conversations/{conversation_id}", { params: { path: { conversation_id: id } } }))
            .then((conversation: ConversationOut) => applyConversation(queryClient, conversation, context()))
            .catch(() => undefined);
        }
        const attention = wantsAttention(frame, meId);
        if (attention) flashTitle(attention);
      },
      onStatus(next, retryAt) {
        setStatus(next);
        setNextRetryAt(retryAt);
      },
      onReconnected() {
        void queryClient.invalidateQueries();
      },
      onRepeatedFailure() {
        void queryClient.invalidateQueries({ queryKey: keys.me });
      },
    });
    socketRef.current = socket;
    socket.start();
    return () => {
      socket.stop();
      socketRef.current = null;
      resetRoutingLive();
    };
  }, [queryClient, meId]);

  const value = useMemo<Realtime>(
    () => ({
      status,
      nextRetryAt,
      send: (frame) => socketRef.current?.send(frame) ?? false,
      retryNow: () => socketRef.current?.retryNow(),
    }),
    [status, nextRetryAt],
  );
  return <RealtimeContext.Provider value={value}>{children}</RealtimeContext.Provider>;
}
