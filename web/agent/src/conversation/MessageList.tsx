import { Fragment, useLayoutEffect, useRef } from "react";
import type { DeliveryOut, MessageOut } from "../api/client";
import { clockTime } from "../inbox/relativeTime";
import { DeliveryStatus } from "./DeliveryStatus";
import { EmailBody } from "./EmailBody";
import type { EmailPartOut } from "./emailQueries";
import { OfferContextCard } from "./OfferContextCard";
import type { ConversationOfferOut } from "./offerQueries";
import type { PendingReply } from "./outbox";
import { locale, t } from "../i18n/i18n";

/** What the list needs to show each outgoing message's delivery and retry it. */
export interface Deliveries {
  byMessage: ReadonlyMap<string, DeliveryOut>;
  /** The delivery whose "Retry now" is under way, if any. */
  retryingId: string | null;
  /** Why the last "Retry now" was refused, and for which delivery. */
  retryError: { deliveryId: string; message: string } | null;
  onRetry(deliveryId: string): void;
}

interface Props {
  conversationId: string;
  messages: MessageOut[];
  pending: readonly PendingReply[];
  meId: string;
  contactName: string;
  visitorTyping: boolean;
  hasEarlier: boolean;
  loadingEarlier: boolean;
  onLoadEarlier(): void;
  onRetry(clientId: string): void;
  onDiscard(clientId: string): void;
  deliveries?: Deliveries;
  /** Accepted offers' context cards, each shown in place of its system note (by note id). */
  offerCards?: ReadonlyMap<string, ConversationOfferOut>;
  /** Cards with no note in the list (a callback's), shown above the messages. */
  looseOfferCards?: readonly ConversationOfferOut[];
  /** Received e-mails' HTML and files, by message id. */
  emailParts?: ReadonlyMap<string, EmailPartOut>;
}

function dayLabel(iso: string): string {
  const date = new Date(iso);
  const today = new Date();
  const yesterday = new Date(today.getTime() - 86_400_000);
  if (date.toDateString() === today.toDateString()) return t("msg.today");
  if (date.toDateString() === yesterday.toDateString()) return t("msg.yesterday");
  return date.toLocaleDateString(locale(), { weekday: "long", day: "numeric", month: "long" });
}

const NEAR_BOTTOM_PX = 80;

export function MessageList(props: Props) {
  const { messages, pending, meId, contactName } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  const previous = useRef({ conversationId: "", firstId: "", lastId: "", height: 0 });

  // Keep the newest message in view unless the agent scrolled up to read;
  // when older messages are prepended, keep what the agent was looking at.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const firstId = messages[0]?.id ?? "";
    const lastId = (pending.length ? pending[pending.length - 1]!.clientId : messages[messages.length - 1]?.id) ?? "";
    const prev = previous.current;
    const lastMine = pending.length > 0 || messages[messages.length - 1]?.author_id === meId;
    if (prev.conversationId !== props.conversationId) {
      el.scrollTop = el.scrollHeight;
      stick.current = true;
    } else if (firstId !== prev.firstId && lastId === prev.lastId && prev.firstId) {
      el.scrollTop += el.scrollHeight - prev.height;
    } else if (stick.current || (lastId !== prev.lastId && lastMine)) {
      el.scrollTop = el.scrollHeight;
    }
    previous.current = { conversationId: props.conversationId, firstId, lastId, height: el.scrollHeight };
  }, [messages, pending, props.conversationId, props.visitorTyping, meId]);

  // The pane also shrinks (banner, error line, reply box): stay at the bottom.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el || typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver(() => {
      if (stick.current) el.scrollTop = el.scrollHeight;
    });
    observer.observe(el);
    if (el.firstElementChild) observer.observe(el.firstElementChild);
    return () => observer.disconnect();
  }, []);

  function onScroll() {
    const el = scroller.current;
    if (!el) return;
    stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < NEAR_BOTTOM_PX;
  }

  let lastDay = "";
  let lastAuthorKey = "";
  return (
    <div className="messages" ref={scroller} onScroll={onScroll} role="log" aria-live="polite" aria-label={t("msg.log")}>
      <div className="messages__inner">
        {props.hasEarlier && (
          <button type="button" className="button button--ghost messages__earlier" onClick={props.onLoadEarlier} disabled={props.loadingEarlier}>
            {props.loadingEarlier ? t("common.loading") : t("msg.loadEarlier")}
          </button>
        )}
        {props.looseOfferCards?.map((offer) => <OfferContextCard key={offer.id} offer={offer} />)}
        {messages.length === 0 && pending.length === 0 && <p className="empty">{t("msg.none")}</p>}
        {messages.map((message) => {
          const day = dayLabel(message.created_at);
          const showDay = day !== lastDay;
          lastDay = day;
          const authorKey = `${message.author_type}:${message.author_id ?? ""}`;
          const showAuthor = showDay || authorKey !== lastAuthorKey;
          lastAuthorKey = authorKey;
          const offer = message.author_type === "system" ? props.offerCards?.get(message.id) : undefined;
          return (
            <Fragment key={message.id}>
              {showDay && <div className="day-separator"><span>{day}</span></div>}
              {offer ? <OfferContextCard offer={offer} /> : <MessageBubble
                message={message}
                showAuthor={showAuthor}
                mine={message.author_type === "agent" && message.author_id === meId}
                contactName={contactName}
                deliveries={props.deliveries}
                emailPart={props.emailParts?.get(message.id)}
              />}
            </Fragment>
          );
        })}
        {pending.map((reply) => (
          <div
            key={reply.clientId}
            className={`message message--agent message--mine message--${reply.state}`}
            data-testid="message"
            data-author="agent"
            data-pending={reply.state}
          >
            <div className="message__bubble">{reply.body}</div>
            <div className="message__status">
              {reply.state === "sending" ? (
                t("msg.sending")
              ) : (
                <>
                  <span className="message__error" role="alert">{t("msg.notSent", { error: reply.error ?? "" })}</span>
                  <button type="button" className="link-button" onClick={() => props.onRetry(reply.clientId)}>{t("msg.retry")}</button>
                  <button type="button" className="link-button" onClick={() => props.onDiscard(reply.clientId)}>{t("msg.discard")}</button>
                </>
              )}
            </div>
          </div>
        ))}
        {props.visitorTyping && (
          <div className="typing" data-testid="visitor-typing" aria-label={`${contactName} is typing`}>
            <span className="typing__dots" aria-hidden="true"><i /><i /><i /></span>
            {contactName} is typing…
          </div>
        )}
      </div>
    </div>
  );
}

function MessageDelivery({ message, deliveries }: { message: MessageOut; deliveries: Deliveries | undefined }) {
  const delivery = deliveries?.byMessage.get(message.id);
  if (!deliveries || !delivery || message.private) return null;
  const error = deliveries.retryError?.deliveryId === delivery.id ? deliveries.retryError.message : null;
  return (
    <DeliveryStatus delivery={delivery} retrying={deliveries.retryingId === delivery.id} retryError={error} onRetry={deliveries.onRetry} />
  );
}

interface BubbleProps {
  message: MessageOut;
  showAuthor: boolean;
  mine: boolean;
  contactName: string;
  deliveries: Deliveries | undefined;
  emailPart?: EmailPartOut;
}

function MessageBubble({ message, showAuthor, mine, contactName, deliveries, emailPart }: BubbleProps) {
  const time = clockTime(message.created_at);
  if (message.author_type === "system") {
    return (
      <div
        className={`message message--system${message.private ? " message--private" : ""}`}
        data-testid="message"
        data-author="system"
        data-private={message.private ? "true" : undefined}
        data-message-id={message.id}
      >
        {message.private && <strong className="message__private">{t("msg.private")}</strong>}
        <span>{message.body}</span>
        <time dateTime={message.created_at}>{time}</time>
        <MessageDelivery message={message} deliveries={deliveries} />
      </div>
    );
  }
  const author = message.author_type === "visitor" ? message.author_name ?? contactName : mine ? t("inbox.you") : message.author_name ?? t("inbox.agent");
  return (
    <div
      className={`message message--${message.author_type}${mine ? " message--mine" : ""}`}
      data-testid="message"
      data-author={message.author_type}
      data-message-id={message.id}
    >
      {showAuthor && <div className="message__author">{author}</div>}
      <div className="message__bubble" title={new Date(message.created_at).toLocaleString(locale())}>
        {emailPart ? <EmailBody part={emailPart} text={message.body} /> : message.body}
      </div>
      <time className="message__time" dateTime={message.created_at}>{time}</time>
      <MessageDelivery message={message} deliveries={deliveries} />
    </div>
  );
}
