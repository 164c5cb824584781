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

const STATUS_LABEL: Record<StatusFilter, string> = {
  unsolved: "Unsolved",
  new: "New",
  open: "Open",
  pending: "Pending",
  solved: "Solved",
  closed: "Closed",
  all: "All",
};
const ASSIGNEE_LABEL: Record<AssigneeFilter, string> = { me: "Mine", unassigned: "Unassigned", anyone: "Anyone" };

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
          <h1 className="admin__title" id="tickets-title">Tickets</h1>
          <p className="admin__sub">Customer issues that may take several conversations to settle</p>
        </div>
      </header>
      <div className="admin__body">
        <section className="card" aria-label="Tickets">
          <header className="card__header ticket-filters">
            <input
              className="search-input"
              type="search"
              placeholder="Search by subject or #number"
              aria-label="Search tickets"
              data-testid="tickets-search"
              value={filter.q}
              maxLength={200}
              onChange={(e) => setFilter({ q: e.target.value })}
            />
            <label className="ticket-filters__label">
              Status
              <select className="select" data-testid="tickets-status" value={filter.status} onChange={(e) => setFilter({ status: e.target.value as StatusFilter })}>
                {STATUS_FILTERS.map((s) => (
                  <option key={s} value={s}>{STATUS_LABEL[s]}</option>
                ))}
              </select>
            </label>
            <div className="segmented" role="group" aria-label="Assignee">
              {ASSIGNEE_FILTERS.map((a) => (
                <button
                  key={a}
                  type="button"
                  className={`segmented__item${filter.assignee === a ? " segmented__item--active" : ""}`}
                  aria-pressed={filter.assignee === a}
                  data-testid={`tickets-assignee-${a}`}
                  onClick={() => setFilter({ assignee: a })}
                >
                  {ASSIGNEE_LABEL[a]}
                </button>
              ))}
            </div>
          </header>
          <ListState
            query={list}
            loading="Loading tickets…"
            empty={q.trim() ? `No ticket matches “${q.trim()}”.` : "No tickets here."}
            isEmpty={items.length === 0}
          />
          {items.length > 0 && (
            <div className="table-scroll">
              <table className={`table tickets-table${list.isPlaceholderData ? " table--stale" : ""}`}>
                <thead>
                  <tr>
                    <th className="table__num">#</th>
                    <th>Subject</th>
                    <th>Contact</th>
                    <th>Status</th>
                    <th>Priority</th>
                    <th>Assignee</th>
                    <th>Due</th>
                    <th>Last change</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((t) => {
                    const overdue = isOverdue(t, now);
                    return (
                      <tr
                        key={t.id}
                        className="table__row--link"
                        data-testid="ticket-row"
                        data-ticket-id={t.id}
                        data-status={t.status}
                        tabIndex={0}
                        onClick={() => openTickets({ view: "ticket", id: t.id })}
                        onKeyDown={(e) => {
                          if (e.key === "Enter") openTickets({ view: "ticket", id: t.id });
                        }}
                      >
                        <td className="table__num ticket__number">#{t.number}</td>
                        <td className="table__name tickets-table__subject" title={t.subject}>{t.subject}</td>
                        <td>{t.contact.name}</td>
                        <td><StatusChip status={t.status} /></td>
                        <td><PriorityChip priority={t.priority} /></td>
                        <td>{t.assignee ? t.assignee.name : <span className="table__muted">Unassigned</span>}</td>
                        <td className={overdue ? "ticket-due--overdue" : undefined} data-testid="ticket-row-due" data-overdue={overdue || undefined}>
                          {t.due_at ? formatDateTime(t.due_at) : <span className="table__muted">—</span>}
                          {overdue && <span className="visually-hidden"> (overdue)</span>}
                        </td>
                        <td className="table__muted">{formatDateTime(t.updated_at)}</td>
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
