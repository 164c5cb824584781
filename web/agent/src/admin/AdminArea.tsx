import type { MeOut } from "../api/client";
import { BotTab } from "../bot/BotTab";
import { CannedTab } from "../canned/CannedTab";
import { ChannelsTab } from "../channels/ChannelsTab";
import { AuditTab } from "./AuditTab";
import { openAdmin, type AdminTab } from "./route";
import { RoutingTab } from "./RoutingTab";
import { TeamTab } from "./TeamTab";
import { TokensTab } from "./TokensTab";
import { WebsitesTab } from "./WebsitesTab";
import { t } from "../i18n/i18n";

const TABS: { tab: AdminTab; label: string; testId: string }[] = [
  { tab: "team", label: "Team", testId: "admin-tab-team" },
  { tab: "routing", label: "Routing", testId: "admin-tab-routing" },
  { tab: "websites", label: "Websites", testId: "admin-tab-websites" },
  { tab: "channels", label: "Channels", testId: "admin-tab-channels" },
  { tab: "canned", label: "Canned responses", testId: "admin-tab-canned" },
  { tab: "bot", label: "Bot", testId: "admin-tab-bot" },
  { tab: "tokens", label: "API tokens", testId: "admin-tab-tokens" },
  { tab: "audit", label: "Audit log", testId: "admin-tab-audit" },
];

/** Workspace administration; the desktop only shows it to admins (the server refuses others). */
export function AdminArea({ me, tab }: { me: MeOut; tab: AdminTab }) {
  return (
    <section className="admin" aria-labelledby="admin-title">
      <header className="admin__header">
        <div className="admin__heading">
          <h1 className="admin__title" id="admin-title">Admin</h1>
          <p className="admin__sub">Team, routing, websites and integrations of {me.workspace.name}</p>
        </div>
        <div className="tabs" role="tablist" aria-label="Admin sections">
          {TABS.map((t) => (
            <button
              key={t.tab}
              type="button"
              role="tab"
              id={`admin-tab-${t.tab}`}
              aria-selected={tab === t.tab}
              aria-controls="admin-panel"
              className={`tabs__item${tab === t.tab ? " tabs__item--active" : ""}`}
              data-testid={t.testId}
              onClick={() => openAdmin(t.tab)}
            >
              {t.label}
            </button>
          ))}
        </div>
      </header>
      <div className="admin__body" role="tabpanel" id="admin-panel" aria-labelledby={`admin-tab-${tab}`}>
        {tab === "team" && <TeamTab meId={me.user.id} />}
        {tab === "routing" && <RoutingTab />}
        {tab === "websites" && <WebsitesTab />}
        {tab === "channels" && <ChannelsTab />}
        {tab === "canned" && <CannedTab />}
        {tab === "bot" && <BotTab />}
        {tab === "tokens" && <TokensTab />}
        {tab === "audit" && <AuditTab />}
      </div>
    </section>
  );
}

/** The sidebar entry, for admins only. */
export function AdminNavEntry({ active }: { active: boolean }) {
  return (
    <nav className="nav nav--secondary" aria-label={t("nav.workspace")}>
      <div className="nav__heading">{t("nav.workspace")}</div>
      <div className="nav__list">
        <button
          type="button"
          className={`nav__item${active ? " nav__item--active" : ""}`}
          aria-current={active ? "page" : undefined}
          data-testid="nav-admin"
          onClick={() => openAdmin()}
        >
          <span>{t("nav.admin")}</span>
        </button>
      </div>
    </nav>
  );
}
