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
import { t, type Key } from "../i18n/i18n";

const TABS: { tab: AdminTab; label: Key; testId: string }[] = [
  { tab: "team", label: "admin.team", testId: "admin-tab-team" },
  { tab: "routing", label: "admin.routing", testId: "admin-tab-routing" },
  { tab: "websites", label: "admin.websites", testId: "admin-tab-websites" },
  { tab: "channels", label: "admin.channels", testId: "admin-tab-channels" },
  { tab: "canned", label: "admin.canned", testId: "admin-tab-canned" },
  { tab: "bot", label: "admin.bot", testId: "admin-tab-bot" },
  { tab: "tokens", label: "admin.tokens", testId: "admin-tab-tokens" },
  { tab: "audit", label: "admin.audit", testId: "admin-tab-audit" },
];

/** Workspace administration; the desktop only shows it to admins (the server refuses others). */
export function AdminArea({ me, tab }: { me: MeOut; tab: AdminTab }) {
  return (
    <section className="admin" aria-labelledby="admin-title">
      <header className="admin__header">
        <div className="admin__heading">
          <h1 className="admin__title" id="admin-title">{t("admin.title")}</h1>
          <p className="admin__sub">{t("admin.sub", { name: me.workspace.name })}</p>
        </div>
        <div className="tabs" role="tablist" aria-label={t("admin.sections")}>
          {TABS.map((entry) => (
            <button
              key={entry.tab}
              type="button"
              role="tab"
              id={`admin-tab-${entry.tab}`}
              aria-selected={tab === entry.tab}
              aria-controls="admin-panel"
              className={`tabs__item${tab === entry.tab ? " tabs__item--active" : ""}`}
              data-testid={entry.testId}
              onClick={() => openAdmin(entry.tab)}
            >
              {t(entry.label)}
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
