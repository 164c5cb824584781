import { useState } from "react";
import { AdminArea, AdminNavEntry } from "../admin/AdminArea";
import { closeAdmin, useAdminTab } from "../admin/route";
import { AnalyticsArea } from "../analytics/AnalyticsArea";
import { AnalyticsNavEntry } from "../analytics/AnalyticsNavEntry";
import { closeAnalytics, useAnalyticsOpen } from "../analytics/route";
import type { MeOut } from "../api/client";
import type { InboxFilter } from "../api/keys";
import { useLogout } from "../auth/session";
import { ContactsArea, ContactsNavEntry } from "../contacts/ContactsArea";
import { closeContacts, useContactsRoute } from "../contacts/route";
import { ConversationView } from "../conversation/ConversationView";
import { InboxList } from "../inbox/InboxList";
import { InboxNav } from "../inbox/InboxNav";
import { KnowledgeArea, KnowledgeNavEntry } from "../knowledge/KnowledgeArea";
import { closeKnowledge, useKnowledgeRoute } from "../knowledge/route";
import { LeadsArea, LeadsNavEntry } from "../leads/LeadsArea";
import { closeLeads, useLeadsRoute } from "../leads/route";
import { PresenceSelect } from "../presence/PresenceSelect";
import { IncomingCalls } from "../conversation/IncomingCalls";
import { ConnectionBanner } from "../realtime/ConnectionBanner";
import { RealtimeProvider } from "../realtime/RealtimeProvider";
import { ReservationTray } from "../routing/ReservationTray";
import { closeWallboard, useWallboardOpen } from "../routing/route";
import { Wallboard } from "../routing/Wallboard";
import { WallboardNavEntry } from "../routing/WallboardNavEntry";
import { RulesArea, RulesNavEntry } from "../rules/RulesArea";
import { closeRules, useRulesRoute } from "../rules/route";
import { TicketsArea, TicketsNavEntry } from "../tickets/TicketsArea";
import { closeTickets, useTicketsRoute } from "../tickets/route";
import { LiveVisitors, VisitorsNavEntry } from "../visitors/LiveVisitors";
import { closeVisitors, openVisitors, useVisitorsOpen } from "../visitors/route";
import { Avatar } from "./Avatar";
import { LanguageSelect } from "../i18n/LanguageSelect";
import { selectConversation, useSelectedConversationId } from "./selection";
import { t } from "../i18n/i18n";

export function Desktop({ me }: { me: MeOut }) {
  const [filter, setFilter] = useState<InboxFilter>({ view: "unassigned", status: "open" });
  const selectedId = useSelectedConversationId();
  const logout = useLogout();
  const isAdmin = me.user.role === "admin";
  const adminTab = useAdminTab();
  const showAdmin = isAdmin && adminTab !== null;
  // Agents may look at rules (by address) but the entry is for those who change them.
  const isManager = isAdmin || me.user.role === "supervisor";
  const rulesRoute = useRulesRoute();
  const showRules = !showAdmin && rulesRoute !== null;
  const visitorsOpen = useVisitorsOpen();
  const showVisitors = !showAdmin && !showRules && visitorsOpen;
  const contactsRoute = useContactsRoute();
  const showContacts = !showAdmin && !showRules && !showVisitors && contactsRoute !== null;
  const ticketsRoute = useTicketsRoute();
  const showTickets = !showAdmin && !showRules && !showVisitors && !showContacts && ticketsRoute !== null;
  // Like the rules: the entry is for those who run the team; an agent may still open #/wallboard.
  const wallboardOpen = useWallboardOpen();
  // Analytics (#/analytics) is for those who run the team; the API refuses agents.
  const analyticsOpen = useAnalyticsOpen();
  const showAnalytics = isManager && !showAdmin && analyticsOpen;
  const showWallboard = !showAdmin && !showRules && !showVisitors && !showContacts && !showTickets && wallboardOpen;
  const knowledgeRoute = useKnowledgeRoute();
  const showKnowledge =
    !showAdmin && !showRules && !showVisitors && !showContacts && !showTickets && !showWallboard && knowledgeRoute !== null;
  const leadsRoute = useLeadsRoute();
  const showLeads =
    !showAdmin && !showRules && !showVisitors && !showContacts && !showTickets && !showWallboard && !showKnowledge && leadsRoute !== null;
  const elsewhere = showAdmin || showRules || showVisitors || showContacts || showTickets || showWallboard || showKnowledge || showLeads;

  return (
    <RealtimeProvider me={me}>
      <div className="desktop">
        <header className="topbar">
          <div className="topbar__brand">
            <span className="brand-mark" aria-hidden="true">H</span>
            <span className="topbar__product">Hovor</span>
            <span className="topbar__workspace">{me.workspace.name}</span>
          </div>
          <div className="topbar__right">
            <PresenceSelect me={me} />
            <LanguageSelect />
            <span className="topbar__user">
              <Avatar name={me.user.name} size="sm" />
              <span>
                <span className="topbar__name">{me.user.name}</span>
                <span className="topbar__role">{me.user.role}</span>
              </span>
            </span>
            <button type="button" className="button button--ghost" data-testid="logout" disabled={logout.isPending} onClick={() => logout.mutate()}>
              {t("nav.logOut")}
            </button>
          </div>
        </header>
        <ConnectionBanner />
        <ReservationTray meId={me.user.id} />
        <IncomingCalls meId={me.user.id} />
        <div className={`columns${elsewhere || showAnalytics ? " columns--admin" : ""}`}>
          <div className={`sidebar${elsewhere || showAnalytics ? " sidebar--elsewhere" : ""}`}>
            <InboxNav
              view={filter.view}
              onChange={(view) => {
                setFilter((f) => ({ ...f, view }));
                closeAdmin();
                closeRules();
                closeVisitors();
                closeContacts();
                closeTickets();
                closeWallboard();
                closeAnalytics();
                closeKnowledge();
                closeLeads();
              }}
            />
            <nav className="nav nav--section" aria-label={t("nav.engagement")}>
              <div className="nav__heading">{t("nav.engagement")}</div>
              <div className="nav__list">
                <VisitorsNavEntry active={showVisitors} onOpen={openVisitors} />
                {isManager && <RulesNavEntry active={showRules} />}
              </div>
            </nav>
            <nav className="nav nav--section" aria-label={t("nav.customers")}>
              <div className="nav__heading">{t("nav.customers")}</div>
              <div className="nav__list">
                <ContactsNavEntry active={showContacts} />
                <TicketsNavEntry active={showTickets} />
                <KnowledgeNavEntry active={showKnowledge} />
                <LeadsNavEntry active={showLeads} />
              </div>
            </nav>
            {isManager && (
              <nav className="nav nav--section" aria-label={t("nav.routing")}>
                <div className="nav__heading">{t("nav.routing")}</div>
                <div className="nav__list">
                  <WallboardNavEntry active={showWallboard} />
                  <AnalyticsNavEntry active={showAnalytics} />
                </div>
              </nav>
            )}
            {isAdmin && <AdminNavEntry active={showAdmin} />}
          </div>
          {showAnalytics ? (
            <AnalyticsArea />
          ) : showAdmin && adminTab ? (
            <AdminArea me={me} tab={adminTab} />
          ) : showRules && rulesRoute ? (
            <RulesArea me={me} route={rulesRoute} />
          ) : showVisitors ? (
            <LiveVisitors me={me} />
          ) : showContacts && contactsRoute ? (
            <ContactsArea me={me} route={contactsRoute} />
          ) : showTickets && ticketsRoute ? (
            <TicketsArea me={me} route={ticketsRoute} />
          ) : showWallboard ? (
            <Wallboard />
          ) : showKnowledge && knowledgeRoute ? (
            <KnowledgeArea me={me} route={knowledgeRoute} />
          ) : showLeads ? (
            <LeadsArea me={me} />
          ) : (
            <>
              <InboxList
                filter={filter}
                meId={me.user.id}
                selectedId={selectedId}
                onStatusChange={(status) => setFilter((f) => ({ ...f, status }))}
                onOpen={selectConversation}
              />
              {selectedId ? (
                <ConversationView key={selectedId} conversationId={selectedId} meId={me.user.id} />
              ) : (
                <section className="conversation conversation--empty">
                  <div className="placeholder">
                    <svg className="placeholder__icon" viewBox="0 0 24 24" aria-hidden="true"><path d="M4 5.5A2.5 2.5 0 0 1 6.5 3h11A2.5 2.5 0 0 1 20 5.5v8a2.5 2.5 0 0 1-2.5 2.5H10l-4.2 3.6A.5.5 0 0 1 5 19.2V16h-.5A.5.5 0 0 1 4 15.5z" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinejoin="round" /></svg>
                    <h2>No conversation selected</h2>
                    <p>Pick a conversation from the list to read and reply.</p>
                  </div>
                </section>
              )}
            </>
          )}
        </div>
      </div>
    </RealtimeProvider>
  );
}
