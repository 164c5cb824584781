import { useEffect, useId, useRef, useState } from "react";
import type { ConversationOut } from "../api/client";
import { Avatar } from "../app/Avatar";
import { presenceLabel } from "../presence/presenceChoices";
import { ConversationTicket } from "../tickets/ConversationTicket";
import { CallAction } from "./CallAction";
import { CallOutcomeAction } from "./CallOutcomeAction";
import { CallbackDueChip } from "./CallbackDueChip";
import { useCallbacks } from "./callbackQueries";
import { TransferAction } from "./TransferAction";
import { useConversationAction, useUsers } from "./queries";
import { t } from "../i18n/i18n";

type Action = ReturnType<typeof useConversationAction>;
/** Channels whose conversations are phone calls: callbacks and the telephony inboxes. */
const PHONE_CHANNELS = new Set(["callback", "twilio_voice", "pbx"]);

/**
 * "More": the less frequent assignment actions (assign to someone else,
 * unassign) behind one button, so the header's actions stay on one line in
 * a narrow column. A disclosure (button + panel), not an ARIA menu: the
 * panel holds a native select, reached with Tab; Escape or a click outside
 * closes it and gives the focus back to the button.
 */
function MoreActions({ conversation, meId, action }: { conversation: ConversationOut; meId: string; action: Action }) {
  const users = useUsers();
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const panelId = useId();
  const busy = action.isPending;
  const mine = conversation.assignee?.id === meId;
  const others = users.data && users.data.length > 1 ? users.data : null;

  useEffect(() => {
    if (!open) return;
    const onPointer = (e: PointerEvent) => {
      if (root.current && !root.current.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "Escape") return;
      setOpen(false);
      button.current?.focus();
    };
    document.addEventListener("pointerdown", onPointer);
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("pointerdown", onPointer);
      document.removeEventListener("keydown", onKey);
    };
  }, [open]);

  if (!mine && !others) return null;
  const assign = (userId: string | null) => {
    action.mutate({ kind: "assign", userId });
    setOpen(false);
  };
  return (
    <div className="more-actions" ref={root}>
      <button
        ref={button}
        type="button"
        className="button button--small more-actions__toggle"
        data-testid="conversation-more"
        aria-expanded={open}
        aria-controls={panelId}
        aria-label={t("conv.moreActions")}
        title={t("conv.moreActionsTitle")}
        onClick={() => setOpen((o) => !o)}
      >
        <span aria-hidden="true">⋯</span>
      </button>
      {open && (
        <div className="card more-actions__panel" id={panelId} role="group" aria-label={t("conv.moreActions")} data-testid="conversation-more-panel">
          {others && (
            <label className="field">
              <span className="field__label">{t("conv.assignTo")}</span>
              <select
                className="select"
                data-testid="assign-select"
                disabled={busy}
                value={conversation.assignee?.id ?? ""}
                onChange={(e) => assign(e.target.value || null)}
              >
                <option value="">{t("conv.unassigned")}</option>
                {others.map((user) => (
                  <option key={user.id} value={user.id}>
                    {user.id === meId ? t("conv.you", { name: user.name }) : user.name}
                    {user.presence !== "online" ? ` — ${presenceLabel(user.presence, user.presence_reason).toLowerCase()}` : ""}
                  </option>
                ))}
              </select>
            </label>
          )}
          {mine && (
            <button type="button" className="button button--small" data-testid="unassign" disabled={busy} onClick={() => assign(null)}>
              {t("conv.unassign")}
            </button>
          )}
        </div>
      )}
    </div>
  );
}

/**
 * Who the conversation is with (name, status and assignment chips, a
 * callback's due time) above one line of actions: the call outcome for a
 * callback, transfer, ticket, assign to me, "More", and close or reopen
 * last. At 1400 px every action fits on that line (tests/browser).
 */
export function ConversationHeader({
  conversation,
  meId,
  action,
  firstVisitorText,
}: {
  conversation: ConversationOut;
  meId: string;
  action: Action;
  firstVisitorText: string | null;
}) {
  const mine = conversation.assignee?.id === meId;
  const busy = action.isPending;
  const closed = conversation.status === "closed";
  // A pending callback is not closed in one click: Close asks how the call went first.
  const callback = useCallbacks([conversation]).get(conversation.id);
  const callbackPending = callback?.status === "pending";
  const [outcomeOpen, setOutcomeOpen] = useState(false);
  const [closing, setClosing] = useState(false);
  const openOutcome = (asClosing: boolean) => {
    setClosing(asClosing);
    setOutcomeOpen(true);
  };

  return (
    <header className="conversation__header conversation-head">
      <div className="conversation-head__who">
        <Avatar name={conversation.contact.name} size="lg" />
        <div className="conversation__who">
          <h2 className="conversation__name">{conversation.contact.name}</h2>
          <div className="conversation__sub">
            {conversation.contact.email && <span className="conversation-head__email">{conversation.contact.email}</span>}
            <span className={`chip${closed ? " chip--muted" : " chip--ok"}`}>{closed ? t("conv.closed") : t("conv.open")}</span>
            <span className="chip" data-testid="conversation-assignee">
              {conversation.assignee ? (mine ? t("conv.assignedToYou") : t("conv.assignedTo", { name: conversation.assignee.name })) : t("conv.unassigned")}
            </span>
            {callback && <CallbackDueChip callback={callback} withPhone />}
            {PHONE_CHANNELS.has(conversation.channel) && (
              <CallAction conversationId={conversation.id} canCall={conversation.channel === "callback" && !closed} />
            )}
          </div>
        </div>
      </div>
      <div className="conversation__actions conversation-head__actions" role="group" aria-label={t("conv.actions")} data-testid="conversation-actions">
        {conversation.channel === "callback" && !closed && (
          <CallOutcomeAction
            conversationId={conversation.id}
            open={outcomeOpen}
            onOpenChange={(open) => (open ? openOutcome(false) : setOutcomeOpen(false))}
            closing={closing}
            onCloseWithoutOutcome={() => action.mutate({ kind: "close" })}
          />
        )}
        <TransferAction conversationId={conversation.id} meId={meId} disabled={closed} />
        <ConversationTicket conversationId={conversation.id} contactId={conversation.contact.id} firstVisitorText={firstVisitorText} />
        {!mine && (
          <button type="button" className="button button--small" data-testid="assign-me" disabled={busy} onClick={() => action.mutate({ kind: "assign", userId: meId })}>
            {t("conv.assignMe")}
          </button>
        )}
        <MoreActions conversation={conversation} meId={meId} action={action} />
        {closed ? (
          <button type="button" className="button button--small button--primary conversation-head__last" data-testid="reopen-conversation" disabled={busy} onClick={() => action.mutate({ kind: "reopen" })}>
            {t("conv.reopen")}
          </button>
        ) : (
          <button
            type="button"
            className="button button--small conversation-head__last"
            data-testid="close-conversation"
            disabled={busy}
            title={callbackPending ? t("conv.outcomeFirst") : undefined}
            onClick={() => (callbackPending ? openOutcome(true) : action.mutate({ kind: "close" }))}
          >
            {t("conv.close")}
          </button>
        )}
      </div>
    </header>
  );
}
