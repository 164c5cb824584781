/**
 * The 360° panel beside a conversation: who the customer is, whether they are
 * on the website now, their orders and their history. Collapsible; the choice
 * is remembered in this browser.
 */
import { useState } from "react";
import { errorMessage } from "../api/client";
import { SuggestedArticles } from "../bot/SuggestedArticles";
import { ContactOrders } from "../contacts/ContactOrders";
import { ContactProfile } from "../contacts/ContactProfile";
import { ContactTimeline } from "../contacts/ContactTimeline";
import { LiveSession } from "../contacts/LiveSession";
import { OpenTickets } from "../contacts/OpenTickets";
import { useContact } from "../contacts/queries";
import { openContacts } from "../contacts/route";
import { t } from "../i18n/i18n";

const OPEN_KEY = "hovor.profilePanel.open";

function readOpen(): boolean {
  try {
    return window.localStorage.getItem(OPEN_KEY) !== "false";
  } catch {
    return true;
  }
}

function writeOpen(open: boolean): void {
  try {
    window.localStorage.setItem(OPEN_KEY, String(open));
  } catch {
    // The choice then lasts for this page only.
  }
}

export function ProfilePanel({ contactId, conversationId }: { contactId: string; conversationId: string }) {
  const [open, setOpen] = useState(readOpen);
  const toggle = () => {
    setOpen((was) => {
      writeOpen(!was);
      return !was;
    });
  };

  if (!open) {
    return (
      <aside className="profile-panel profile-panel--collapsed" aria-label={t("profile.hiddenLabel")}>
        <button type="button" className="profile-panel__toggle" data-testid="profile-toggle" aria-expanded={false} title={t("profile.show")} onClick={toggle}>
          <svg viewBox="0 0 16 16" aria-hidden="true"><path d="M10 3.5L5.5 8l4.5 4.5" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" strokeLinejoin="round" /></svg>
          <span className="profile-panel__toggle-label">{t("profile.customer")}</span>
        </button>
      </aside>
    );
  }
  return (
    <aside className="profile-panel" aria-label={t("profile.label")} data-testid="profile-panel">
      <header className="profile-panel__bar">
        <span className="profile-panel__heading">{t("profile.customer")}</span>
        <button type="button" className="link-button" onClick={() => openContacts({ view: "contact", id: contactId })} data-testid="profile-open-contact">
          {t("profile.open")}
        </button>
        <button type="button" className="icon-button" data-testid="profile-toggle" aria-expanded={true} title={t("profile.hideTitle")} onClick={toggle}>
          <svg viewBox="0 0 16 16" aria-hidden="true"><path d="M6 3.5L10.5 8 6 12.5" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" strokeLinejoin="round" /></svg>
          <span className="visually-hidden">{t("profile.hide")}</span>
        </button>
      </header>
      <div className="profile-panel__body">
        <PanelContent contactId={contactId} conversationId={conversationId} />
      </div>
    </aside>
  );
}

function PanelContent({ contactId, conversationId }: { contactId: string; conversationId: string }) {
  const first = useContact(contactId);
  // A contact merged away since the conversation was loaded: show the profile it went into.
  const mergedInto = first.data?.merged_into_id ?? null;
  const target = useContact(mergedInto);
  const contact = mergedInto ? target.data : first.data;
  const failed = mergedInto ? target : first;

  if (!contact) {
    return failed.isError ? (
      <div className="empty empty--error" role="alert">
        <p>{errorMessage(failed.error)}</p>
        <button type="button" className="button" onClick={() => void failed.refetch()}>{t("common.tryAgain")}</button>
      </div>
    ) : (
      <p className="empty">{t("profile.loading")}</p>
    );
  }
  return (
    <>
      <ContactProfile contact={contact} />
      <LiveSession identities={contact.identities} />
      <SuggestedArticles conversationId={conversationId} />
      <OpenTickets contactId={contact.id} />
      <ContactOrders contactId={contact.id} />
      <ContactTimeline contactId={contact.id} exceptConversationId={conversationId} />
    </>
  );
}
