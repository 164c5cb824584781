import { useState } from "react";
import { CursorPager, useCursorPages } from "../ui/CursorPager";
import { errorMessage, type MeOut } from "../api/client";
import { useDebounced } from "../contacts/useDebounced";
import { useUsers } from "../conversation/queries";
import { ListState } from "../ui/ListState";
import { formatDateTime } from "../ui/dateTime";
import { leadSource } from "../visitors/source";
import { money } from "../visitors/summary";
import {
  DEFAULT_LEAD_FILTER,
  exportHref,
  LEAD_SOURCES,
  LEAD_STATUSES,
  SOURCE_LABEL,
  type LeadFilter,
  type LeadSource,
  type LeadStatus,
  type OwnerFilter,
} from "./filter";
import "./leads.css";
import { useLeadCampaigns, useLeadList, useUpdateLead, type LeadOut } from "./queries";
import { openLeads } from "./route";
import { WebhookCard } from "./WebhookCard";
import { t } from "../i18n/i18n";

const OWNER_LABEL: Record<OwnerFilter, string> = { anyone: "Anyone", me: "Mine", none: "Nobody" };

/** The workspace's leads, newest first: filter, search, page, export; status and owner in place. */
export function LeadsArea({ me }: { me: MeOut }) {
  const [filter, setFilterState] = useState<LeadFilter>(DEFAULT_LEAD_FILTER);
  const pages = useCursorPages();
  const q = useDebounced(filter.q);
  const list = useLeadList({ ...filter, q }, pages.cursor);
  const campaigns = useLeadCampaigns();
  const items = list.data?.items ?? [];
  const next = list.data?.next_cursor ?? null;

  const setFilter = (change: Partial<LeadFilter>) => {
    setFilterState((f) => ({ ...f, ...change }));
    pages.reset();
  };

  return (
    <section className="admin leads-area" aria-labelledby="leads-title">
      <header className="admin__header area__header">
        <div className="admin__heading">
          <h1 className="admin__title" id="leads-title">Leads</h1>
          <p className="admin__sub">Visitors who left their contact details, with where they came from</p>
        </div>
        <a className="button" data-testid="leads-export" href={exportHref({ ...filter, q })} download="leads.csv">
          Export CSV
        </a>
      </header>
      <div className="admin__body">
        <section className="card" aria-label="Leads">
          <header className="card__header lead-filters">
            <input
              className="search-input"
              type="search"
              placeholder="Search by name, e-mail or phone"
              aria-label="Search leads"
              data-testid="leads-search"
              value={filter.q}
              maxLength={200}
              onChange={(e) => setFilter({ q: e.target.value })}
            />
            <label className="lead-filters__label">
              Status
              <select className="select" data-testid="leads-status" value={filter.status} onChange={(e) => setFilter({ status: e.target.value as LeadFilter["status"] })}>
                <option value="open">Open</option>
                {LEAD_STATUSES.map((s) => (
                  <option key={s} value={s}>{s[0]!.toUpperCase() + s.slice(1)}</option>
                ))}
                <option value="all">All</option>
              </select>
            </label>
            <label className="lead-filters__label">
              Source
              <select className="select" data-testid="leads-source" value={filter.source} onChange={(e) => setFilter({ source: e.target.value as LeadFilter["source"] })}>
                <option value="all">Any</option>
                {LEAD_SOURCES.map((s) => (
                  <option key={s} value={s}>{SOURCE_LABEL[s]}</option>
                ))}
              </select>
            </label>
            <label className="lead-filters__label">
              Campaign
              <select className="select" data-testid="leads-campaign" value={filter.campaign} onChange={(e) => setFilter({ campaign: e.target.value })}>
                <option value="">Any</option>
                {(campaigns.data ?? []).map((c) => (
                  <option key={c} value={c}>{c}</option>
                ))}
              </select>
            </label>
            <div className="segmented" role="group" aria-label="Owner">
              {(Object.keys(OWNER_LABEL) as OwnerFilter[]).map((o) => (
                <button
                  key={o}
                  type="button"
                  className={`segmented__item${filter.owner === o ? " segmented__item--active" : ""}`}
                  aria-pressed={filter.owner === o}
                  data-testid={`leads-owner-${o}`}
                  onClick={() => setFilter({ owner: o })}
                >
                  {OWNER_LABEL[o]}
                </button>
              ))}
            </div>
          </header>
          <ListState query={list} loading="Loading leads…" empty="No leads match these filters." isEmpty={items.length === 0} />
          {items.length > 0 && (
            <div className="table-scroll">
              <table className={`table leads-table${list.isPlaceholderData ? " table--stale" : ""}`}>
                <thead>
                  <tr>
                    <th>Lead</th>
                    <th>Source</th>
                    <th>From</th>
                    <th className="table__num">Pages</th>
                    <th className="table__num">Cart</th>
                    <th>Status</th>
                    <th>Owner</th>
                    <th>Created</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((lead) => (
                    <LeadRow key={lead.id} lead={lead} meId={me.user.id} />
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <CursorPager pages={pages} next={next} loading={list.isPlaceholderData} testId="leads" />
        </section>
        {me.user.role === "admin" && <WebhookCard />}
      </div>
    </section>
  );
}

function LeadRow({ lead, meId }: { lead: LeadOut; meId: string }) {
  const users = useUsers();
  const update = useUpdateLead();
  const source = leadSource(lead);
  const cart = lead.cart as { value?: number; items?: number };
  const pages = lead.pages.map((p) => String((p as { title?: unknown; url?: unknown }).title || (p as { url?: unknown }).url || ""));
  return (
    <tr data-testid="lead-row" data-lead-id={lead.id} data-status={lead.status}>
      <td className="table__name">
        <div data-testid="lead-name">{lead.name || lead.email || lead.phone}</div>
        <div className="table__muted lead__contact">
          {[lead.email, lead.phone].filter(Boolean).join(" · ")}
        </div>
      </td>
      <td>{SOURCE_LABEL[lead.source as LeadSource] ?? lead.source}</td>
      <td data-testid="lead-from" title={source.referrer ?? undefined}>
        {source.from}
        {source.campaign && (
          <span className="chip chip--accent" data-testid="lead-campaign">
            {source.campaign}
          </span>
        )}
      </td>
      <td className="table__num" title={pages.join("\n")}>{pages.length}</td>
      <td className="table__num" data-testid="lead-cart">
        {cart.value ? `${money(cart.value)} · ${cart.items ?? 0}` : <span className="table__muted">—</span>}
      </td>
      <td>
        <select
          className="select"
          aria-label="Status"
          data-testid="lead-status"
          value={lead.status}
          disabled={update.isPending}
          onChange={(e) => update.mutate({ id: lead.id, patch: { status: e.target.value as LeadStatus } })}
        >
          {LEAD_STATUSES.map((s) => (
            <option key={s} value={s}>{s}</option>
          ))}
        </select>
        {update.isError && (
          <span className="lead__error" role="alert">{errorMessage(update.error)}</span>
        )}
      </td>
      <td>
        <select
          className="select"
          aria-label="Owner"
          data-testid="lead-owner"
          value={lead.owner_id ?? ""}
          disabled={update.isPending}
          onChange={(e) => update.mutate({ id: lead.id, patch: { owner_id: e.target.value || null } })}
        >
          <option value="">Nobody</option>
          {(users.data ?? []).map((u) => (
            <option key={u.id} value={u.id}>{u.id === meId ? `${u.name} (me)` : u.name}</option>
          ))}
        </select>
      </td>
      <td className="table__muted">{formatDateTime(lead.created_at)}</td>
    </tr>
  );
}

/** The sidebar entry, for everyone. */
export function LeadsNavEntry({ active }: { active: boolean }) {
  return (
    <button
      type="button"
      className={`nav__item${active ? " nav__item--active" : ""}`}
      aria-current={active ? "page" : undefined}
      data-testid="nav-leads"
      onClick={() => openLeads()}
    >
      <span>{t("nav.leads")}</span>
    </button>
  );
}
