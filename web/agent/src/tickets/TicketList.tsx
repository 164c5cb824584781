import { useState } from "react";
import { CursorPager, useCursorPages } from "../ui/CursorPager";
import { ListState } from "../ui/ListState";
import { formatDateTime } from "../ui/dateTime";
import { useDebounced } from "../contacts/useDebounced";
import { useNow } from "../inbox/useNow";
import { ASSIGNEE_FILTERS, DEFAULT_FILTER, isOverdue, parseFilter, STATUS_FILTERS, type AssigneeFilter, type StatusFilter, type TicketFilter } from "./logic";
import { PriorityChip, StatusChip } from "./parts";
import { useTicketList } from "./queries";
import { openTickets } from "./route";
import { t, type Key } from "../i18n/i18n";

const FILTER_KEY = "hovor.tickets.filter";

function rememberedFilter(): TicketFilter {
  try {
    const raw = window.sessionStorage.getItem(FILTER_KEY);
    return raw ? parseFilter(JSON.parse(raw)) : DEFAULT_FILTER;
  } catch {
    return DEFAULT_FILTER;
  }
}

function rememberFilter(filter: TicketFilter): void {
  try {
    window.sessionStorage.setItem(FILTER_KEY, JSON.stringify(filter));
  } catch {
    // Only a convenience.
  }
}

const STATUS_LABEL: Record<StatusFilter, Key> = {
  unsolved: "tickets.unsolved",
  new: "tickets.new",
  open: "tickets.open",
  pending: "tickets.pending",
  solved: "tickets.solved",
  closed: "tickets.closed",
  all: "tickets.all",
};
const ASSIGNEE_LABEL: Record<AssigneeFilter, Key> = { me: "tickets.mine", unassigned: "tickets.unassignedFilter", anyone: "tickets.anyone" };

/** The workspace's tickets, most recently changed first: filter, search, page by cursor. */
export function TicketList() {
  const [filter, setFilterState] = useState(rememberedFilter);
  const pages = useCursorPages();
  const q = useDebounced(filter.q);
  const list = useTicketList({ ...filter, q }, pages.cursor);
  const items = list.data?.items ?? [];
  const next = list.data?.next_cursor ?? null;
  const now = useNow();

  const setFilter = (change: Partial<TicketFilter>) => {
    const value = { ...filter, ...change };
    setFilterState(value);
    rememberFilter(value);
    pages.reset();
  };

  return (
    <section className="admin tickets-area" aria-labelledby="tickets-title">
      <header className="admin__header area__header">
        <div className="admin__heading">
          <h1 className="admin__title" id="tickets-title">{t("tickets.title")}</h1>
          <p className="admin__sub">{t("tickets.sub")}</p>
        </div>
      </header>
      <div className="admin__body">
        <section className="card" aria-label={t("tickets.title")}>
          <header className="card__header ticket-filters">
            <input
              className="search-input"
              type="search"
              placeholder={t("tickets.search")}
              aria-label={t("tickets.searchLabel")}
              data-testid="tickets-search"
              value={filter.q}
              maxLength={200}
              onChange={(e) => setFilter({ q: e.target.value })}
            />
            <label className="ticket-filters__label">
              {t("tickets.status")}
              <select className="select" data-testid="tickets-status" value={filter.status} onChange={(e) => setFilter({ status: e.target.value as StatusFilter })}>
                {STATUS_FILTERS.map((s) => (
                  <option key={s} value={s}>{t(STATUS_LABEL[s])}</option>
                ))}
              </select>
            </label>
            <div className="segmented" role="group" aria-label={t("tickets.assignee")}>
              {ASSIGNEE_FILTERS.map((a) => (
                <button
                  key={a}
                  type="button"
                  className={`segmented__item${filter.assignee === a ? " segmented__item--active" : ""}`}
                  aria-pressed={filter.assignee === a}
                  data-testid={`tickets-assignee-${a}`}
                  onClick={() => setFilter({ assignee: a })}
                >
                  {t(ASSIGNEE_LABEL[a])}
                </button>
              ))}
            </div>
          </header>
          <ListState
            query={list}
            loading={t("tickets.loading")}
            empty={q.trim() ? t("tickets.noMatch", { q: q.trim() }) : t("tickets.none")}
            isEmpty={items.length === 0}
          />
          {items.length > 0 && (
            <div className="table-scroll">
              <table className={`table tickets-table${list.isPlaceholderData ? " table--stale" : ""}`}>
                <thead>
                  <tr>
                    <th className="table__num">#</th>
                    <th>{t("tickets.subject")}</th>
                    <th>{t("tickets.contact")}</th>
                    <th>{t("tickets.status")}</th>
                    <th>{t("tickets.priority")}</th>
                    <th>{t("tickets.assignee")}</th>
                    <th>{t("tickets.due")}</th>
                    <th>{t("tickets.lastChange")}</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((ticket) => {
                    const overdue = isOverdue(ticket, now);
                    return (
                      <tr
                        key={ticket.id}
                        className="table__row--link"
                        data-testid="ticket-row"
                        data-ticket-id={ticket.id}
                        data-status={ticket.status}
                        tabIndex={0}
                        onClick={() => openTickets({ view: "ticket", id: ticket.id })}
                        onKeyDown={(e) => {
                          if (e.key === "Enter") openTickets({ view: "ticket", id: ticket.id });
                        }}
                      >
                        <td className="table__num ticket__number">#{ticket.number}</td>
                        <td className="table__name tickets-table__subject" title={ticket.subject}>{ticket.subject}</td>
                        <td>{ticket.contact.name}</td>
                        <td><StatusChip status={ticket.status} /></td>
                        <td><PriorityChip priority={ticket.priority} /></td>
                        <td>{ticket.assignee ? ticket.assignee.name : <span className="table__muted">{t("tickets.unassigned")}</span>}</td>
                        <td className={overdue ? "ticket-due--overdue" : undefined} data-testid="ticket-row-due" data-overdue={overdue || undefined}>
                          {ticket.due_at ? formatDateTime(ticket.due_at) : <span className="table__muted">—</span>}
                          {overdue && <span className="visually-hidden">{t("tickets.overdue")}</span>}
                        </td>
                        <td className="table__muted">{formatDateTime(ticket.updated_at)}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
          <CursorPager pages={pages} next={next} loading={list.isPlaceholderData} testId="tickets" />
        </section>
      </div>
    </section>
  );
}
