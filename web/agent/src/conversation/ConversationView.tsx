import { useEffect, useMemo, useRef } from "react";
import { errorMessage } from "../api/client";
import { useChannels } from "../channels/catalogue";
import { CobrowsePanel } from "../cobrowse/CobrowsePanel";
import { flattenMessages } from "../realtime/cacheMerge";
import { useVisitorTyping } from "../realtime/typing";
import { deliveriesByMessage } from "./deliveryStatus";
import { MessageList, type Deliveries } from "./MessageList";
import { ProfilePanel } from "./ProfilePanel";
import { removePending, usePending } from "./outbox";
import { ReplyBox } from "./ReplyBox";
import { WhatsAppComposer } from "./WhatsAppComposer";
import { ConversationHeader } from "./ConversationHeader";
import { useEmailParts } from "./emailQueries";
import { placeOfferCards, useConversationOffers } from "./offerQueries";
import {
  retryPending,
  useConversation,
  useConversationAction,
  useDeliveries,
  useMarkRead,
  useMessages,
  useRetryDelivery,
  useSendReply,
} from "./queries";
import { t } from "../i18n/i18n";

export function ConversationView({ conversationId, meId }: { conversationId: string; meId: string }) {
  const conversation = useConversation(conversationId);
  const messages = useMessages(conversationId);
  const pendingAll = usePending(conversationId);
  const visitorTyping = useVisitorTyping(conversationId);
  const send = useSendReply(conversationId, meId);
  const action = useConversationAction(conversationId, meId);
  const markRead = useMarkRead(conversationId, meId);
  const channels = useChannels();
  const channel = conversation.data?.channel;
  const deliveryRows = useDeliveries(conversationId, channel !== undefined && channels.sends(channel));
  const { mutate: retryDelivery, isPending: retrying, error: retryFailure, variables: retried } = useRetryDelivery(conversationId);
  const deliveries = useMemo<Deliveries>(
    () => ({
      byMessage: deliveriesByMessage(deliveryRows.data),
      retryingId: retrying ? (retried ?? null) : null,
      retryError: retryFailure && retried ? { deliveryId: retried, message: errorMessage(retryFailure) } : null,
      onRetry: (deliveryId) => retryDelivery(deliveryId),
    }),
    [deliveryRows.data, retrying, retried, retryFailure, retryDelivery],
  );

  const stored = useMemo(() => flattenMessages(messages.data), [messages.data]);
  const offers = useConversationOffers(conversationId);
  const offerCards = useMemo(
    () => placeOfferCards(offers.data ?? [], new Set(stored.map((m) => m.id))),
    [offers.data, stored],
  );
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
  const emailParts = useEmailParts(conversationId, channel === "email", lastVisitorId);
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
        <p className="empty">{t("conv.loading")}</p>
      </section>
    );
  }
  const closed = data.status === "closed";

  return (
    <div className="conversation-layout">
      <section className="conversation" aria-label={t("conv.with", { name: data.contact.name })}>
        <ConversationHeader
          conversation={data}
          meId={meId}
          action={action}
          firstVisitorText={stored.find((m) => m.author_type === "visitor")?.body ?? null}
        />
        <CobrowsePanel conversation={data} meId={meId} />
        {action.isError && (
          <div className="inline-error" role="alert">
            {errorMessage(action.error)}
            <button type="button" className="link-button" onClick={() => action.reset()}>{t("common.dismiss")}</button>
          </div>
        )}
        {messages.isError ? (
          <div className="messages"><div className="empty empty--error" role="alert">
            <p>{errorMessage(messages.error)}</p>
            <button type="button" className="button" onClick={() => void messages.refetch()}>{t("common.tryAgain")}</button>
          </div></div>
        ) : messages.isPending ? (
          <div className="messages"><p className="empty">{t("conv.loadingMessages")}</p></div>
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
            deliveries={deliveries}
            offerCards={offerCards.byNote}
            looseOfferCards={offerCards.loose}
            emailParts={emailParts.data}
          />
        )}
        <WhatsAppComposer conversation={data} meId={meId} lastCustomerMessageId={lastVisitorId}>
          <ReplyBox
            conversationId={conversationId}
            disabled={closed}
            disabledReason={t("conv.closedReason")}
            onSend={(body) => void send(body)}
          />
        </WhatsAppComposer>
      </section>
      <ProfilePanel contactId={data.contact.id} conversationId={conversationId} />
    </div>
  );
}
