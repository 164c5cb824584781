import { useEffect, useMemo, useRef } from "react";
import { errorMessage, type ConversationOut } from "../api/client";
import { Avatar } from "../app/Avatar";
import { flattenMessages } from "../realtime/cacheMerge";
import { useVisitorTyping } from "../realtime/typing";
import { presenceLabel } from "../presence/presenceChoices";
import { ConversationTicket } from "../tickets/ConversationTicket";
import { MessageList } from "./MessageList";
import { ProfilePanel } from "./ProfilePanel";
import { removePending, usePending } from "./outbox";
import { ReplyBox } from "./ReplyBox";
import { CallOutcomeAction } from "./CallOutcomeAction";
import { TransferAction } from "./TransferAction";
import {
  retryPending,
  useConversation,
  useConversationAction,
  useMarkRead,
  useMessages,
  useSendReply,
  useUsers,
} from "./queries";

export function ConversationView({ conversationId, meId }: { conversationId: string; meId: string }) {
  const conversation = useConversation(conversationId);
  const messages = useMessages(conversationId);
  const pendingAll = usePending(conversationId);
  const visitorTyping = useVisitorTyping(conversationId);
  const send = useSendReply(conversationId, meId);
  const action = useConversationAction(conversationId, meId);
  const markRead = useMarkRead(conversationId, meId);

  const stored = useMemo(() => flattenMessages(messages.data), [messages.data]);
  // A pending reply disappears as soon as its stored twin is in the cache.
  const pending = useMemo(() => {
    const stored_ids = new Set(stored.map((m) => m.client_id).filter(Boolean));
    return pendingAll.filter((reply) => !stored_ids.has(reply.clientId));
  }, [stored, pendingAll]);
  useEffect(() => {
    const storedIds = new Set(stored.map((m) => m.client_id));
    for (const reply of pendingAll) if (storedIds.has(reply.clientId)) removePending(conversationId, reply.clientId);
  }, [stored, pendingAll, conversationId]);

  // Mark read on open, and again whenever a visitor message lands while on screen.
  const lastVisitorId = [...stored].reverse().find((m) => m.author_type === "visitor")?.id ?? null;
  const markedFor = useRef<string | null>(null);
  const { mutate: doMarkRead } = markRead;
  useEffect(() => {
    if (!messages.isSuccess) return;
    const token = `${conversationId}:${lastVisitorId ?? ""}`;
    const mark = () => {
      if (document.visibilityState !== "visible" || markedFor.current === token) return;
      markedFor.current = token;
      doMarkRead();
    };
    mark();
    document.addEventListener("visibilitychange", mark);
    return () => document.removeEventListener("visibilitychange", mark);
  }, [conversationId, lastVisitorId, messages.isSuccess, doMarkRead]);

  if (conversation.isError && !conversation.data) {
    return (
      <section className="conversation conversation--empty">
        <p className="empty empty--error" role="alert">{errorMessage(conversation.error)}</p>
      </section>
    );
  }
  const data = conversation.data;
  if (!data) {
    return (
      <section className="conversation conversation--empty">
        <p className="empty">Loading conversation…</p>
      </section>
    );
  }
  const closed = data.status === "closed";

  return (
    <div className="conversation-layout">
      <section className="conversation" aria-label={`Conversation with ${data.contact.name}`}>
        <ConversationHeader
          conversation={data}
          meId={meId}
          action={action}
          firstVisitorText={stored.find((m) => m.author_type === "visitor")?.body ?? null}
        />
        {action.isError && (
          <div className="inline-error" role="alert">
            {errorMessage(action.error)}
            <button type="button" className="link-button" onClick={() => action.reset()}>Dismiss</button>
          </div>
        )}
        {messages.isError ? (
          <div className="messages"><div className="empty empty--error" role="alert">
            <p>{errorMessage(messages.error)}</p>
            <button type="button" className="button" onClick={() => void messages.refetch()}>Try again</button>
          </div></div>
        ) : messages.isPending ? (
          <div className="messages"><p className="empty">Loading messages…</p></div>
        ) : (
          <MessageList
            conversationId={conversationId}
            messages={stored}
            pending={pending}
            meId={meId}
            contactName={data.contact.name}
            visitorTyping={visitorTyping && !closed}
            hasEarlier={messages.hasNextPage}
            loadingEarlier={messages.isFetchingNextPage}
            onLoadEarlier={() => void messages.fetchNextPage()}
            onRetry={(clientId) => retryPending(send, conversationId, clientId)}
            onDiscard={(clientId) => removePending(conversationId, clientId)}
          />
        )}
        <ReplyBox
          conversationId={conversationId}
          disabled={closed}
          disabledReason="This conversation is closed. Reopen it to reply."
          onSend={(body) => void send(body)}
        />
      </section>
      <ProfilePanel contactId={data.contact.id} conversationId={conversationId} />
    </div>
  );
}

function ConversationHeader({
  conversation,
  meId,
  action,
  firstVisitorText,
}: {
  conversation: ConversationOut;
  meId: string;
  action: ReturnType<typeof useConversationAction>;
  firstVisitorText: string | null;
}) {
  const users = useUsers();
  const mine = conversation.assignee?.id === meId;
  const busy = action.isPending;
  const closed = conversation.status === "closed";

  return (
    <header className="conversation__header">
      <Avatar name={conversation.contact.name} size="lg" />
      <div className="conversation__who">
        <h2 className="conversation__name">{conversation.contact.name}</h2>
        <div className="conversation__sub">
          {conversation.contact.email && <span>{conversation.contact.email}</span>}
          <span className={`chip${closed ? " chip--muted" : " chip--ok"}`}>{closed ? "Closed" : "Open"}</span>
          <span className="chip" data-testid="conversation-assignee">
            {conversation.assignee ? (mine ? "Assigned to you" : `Assigned to ${conversation.assignee.name}`) : "Unassigned"}
          </span>
          <ConversationTicket conversationId={conversation.id} contactId={conversation.contact.id} firstVisitorText={firstVisitorText} />
          <TransferAction conversationId={conversation.id} meId={meId} disabled={closed} />
          {conversation.channel === "callback" && !closed && <CallOutcomeAction conversationId={conversation.id} />}
        </div>
      </div>
      <div className="conversation__actions">
        {mine ? (
          <button type="button" className="button" data-testid="unassign" disabled={busy} onClick={() => action.mutate({ kind: "assign", userId: null })}>
            Unassign
          </button>
        ) : (
          <button type="button" className="button" data-testid="assign-me" disabled={busy} onClick={() => action.mutate({ kind: "assign", userId: meId })}>
            Assign to me
          </button>
        )}
        {users.data && users.data.length > 1 && (
          <select
            className="select"
            aria-label="Assign to"
            data-testid="assign-select"
            disabled={busy}
            value={conversation.assignee?.id ?? ""}
            onChange={(e) => action.mutate({ kind: "assign", userId: e.target.value || null })}
          >
            <option value="">Unassigned</option>
            {users.data.map((user) => (
              <option key={user.id} value={user.id}>
                {user.id === meId ? `${user.name} (you)` : user.name}
                {user.presence !== "online" ? ` — ${presenceLabel(user.presence, user.presence_reason).toLowerCase()}` : ""}
              </option>
            ))}
          </select>
        )}
        {closed ? (
          <button type="button" className="button button--primary" data-testid="reopen-conversation" disabled={busy} onClick={() => action.mutate({ kind: "reopen" })}>
            Reopen
          </button>
        ) : (
          <button type="button" className="button" data-testid="close-conversation" disabled={busy} onClick={() => action.mutate({ kind: "close" })}>
            Close
          </button>
        )}
      </div>
    </header>
  );
}
