import type { ConversationOut } from "../api/client";
import { errorMessage } from "../api/client";
import type { ConversationStatus, InboxFilter } from "../api/keys";
import { Avatar } from "../app/Avatar";
import type { CallbackOut } from "../conversation/callbackDue";
import { CallbackDueChip } from "../conversation/CallbackDueChip";
import { useCallbacks } from "../conversation/callbackQueries";
import { useConversationList } from "./queries";
import { relativeTime } from "./relativeTime";
import { useNow } from "./useNow";
import { t, type Key, locale } from "../i18n/i18n";

const VIEW_TITLES: Record<InboxFilter["view"], Key> = {
  unassigned: "inbox.unassigned",
  mine: "inbox.mine",
  all: "inbox.all",
};

function preview(conversation: ConversationOut, meId: string): string {
  const last = conversation.last_message;
  if (!last) return t("inbox.noMessages");
  const prefix =
    last.author_type === "agent" ? `${last.author_id === meId ? t("inbox.you") : (last.author_name ?? t("inbox.agent"))}: ` : "";
  return prefix + last.body.replace(/\s+/g, " ").trim();
}

function InboxRow({
  conversation,
  callback,
  selected,
  now,
  meId,
  onOpen,
}: {
  conversation: ConversationOut;
  callback: CallbackOut | undefined;
  selected: boolean;
  now: number;
  meId: string;
  onOpen(id: string): void;
}) {
  const unread = conversation.unread_count > 0;
  const assignee = conversation.assignee;
  return (
    <li>
      <button
        type="button"
        className={`inbox-row${selected ? " inbox-row--selected" : ""}${unread ? " inbox-row--unread" : ""}`}
        data-testid="conversation-item"
        data-conversation-id={conversation.id}
        aria-current={selected ? "true" : undefined}
        onClick={() => onOpen(conversation.id)}
      >
        <Avatar name={conversation.contact.name} />
        <span className="inbox-row__main">
          <span className="inbox-row__top">
            <span className="inbox-row__name">{conversation.contact.name}</span>
            <time className="inbox-row__time" dateTime={conversation.last_activity_at} title={new Date(conversation.last_activity_at).toLocaleString(locale())}>
              {relativeTime(conversation.last_activity_at, now)}
            </time>
          </span>
          <span className="inbox-row__bottom">
            <span className="inbox-row__preview">{preview(conversation, meId)}</span>
            {unread && (
              <span className="badge" aria-label={`${conversation.unread_count} unread`}>
                {conversation.unread_count > 99 ? "99+" : conversation.unread_count}
              </span>
            )}
          </span>
          <span className="inbox-row__meta">
            {assignee ? (
              <span className="chip">{assignee.id === meId ? t("inbox.you") : assignee.name}</span>
            ) : (
              <span className="chip chip--warn">{t("inbox.unassignedChip")}</span>
            )}
            {conversation.status === "closed" && <span className="chip chip--muted">{t("inbox.closedChip")}</span>}
            {callback && <CallbackDueChip callback={callback} />}
          </span>
        </span>
      </button>
    </li>
  );
}

export function InboxList({
  filter,
  meId,
  selectedId,
  onStatusChange,
  onOpen,
}: {
  filter: InboxFilter;
  meId: string;
  selectedId: string | null;
  onStatusChange(status: ConversationStatus): void;
  onOpen(id: string): void;
}) {
  const list = useConversationList(filter);
  const now = useNow();
  const items = list.data?.pages.flatMap((page) => page.items) ?? [];
  const callbacks = useCallbacks(items);

  return (
    <section className="inbox" aria-label={t("inbox.list")}>
      <header className="inbox__header">
        <h2 className="inbox__title">{t(VIEW_TITLES[filter.view])}</h2>
        <div className="segmented" role="group" aria-label={t("nav.status")}>
          {(["open", "closed"] as const).map((status) => (
            <button
              key={status}
              type="button"
              aria-pressed={filter.status === status}
              className={`segmented__item${filter.status === status ? " segmented__item--active" : ""}`}
              data-testid={`inbox-status-${status}`}
              onClick={() => onStatusChange(status)}
            >
              {status === "open" ? t("inbox.open") : t("inbox.closed")}
            </button>
          ))}
        </div>
      </header>
      <div className="inbox__body">
        {list.isPending && <p className="empty">{t("inbox.loading")}</p>}
        {list.isError && (
          <div className="empty empty--error" role="alert">
            <p>{errorMessage(list.error)}</p>
            <button type="button" className="button" onClick={() => void list.refetch()}>
              {t("common.tryAgain")}
            </button>
          </div>
        )}
        {list.isSuccess && items.length === 0 && (
          <p className="empty">
            {filter.status === "closed" ? t("inbox.noClosed") : t("inbox.caughtUp")}
          </p>
        )}
        {items.length > 0 && (
          <ul className="inbox__list">
            {items.map((conversation) => (
              <InboxRow
                key={conversation.id}
                conversation={conversation}
                callback={callbacks.get(conversation.id)}
                selected={conversation.id === selectedId}
                now={now}
                meId={meId}
                onOpen={onOpen}
              />
            ))}
          </ul>
        )}
        {list.hasNextPage && (
          <button
            type="button"
            className="button button--ghost button--block"
            disabled={list.isFetchingNextPage}
            onClick={() => void list.fetchNextPage()}
          >
            {list.isFetchingNextPage ? t("common.loading") : t("common.loadMore")}
          </button>
        )}
      </div>
    </section>
  );
}
