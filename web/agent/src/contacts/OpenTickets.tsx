import { ListState } from "../ui/ListState";
import { formatDateTime } from "../ui/dateTime";
import { useOpenTickets } from "./queries";

const STATUS_TONE: Record<string, string> = { new: "chip--accent", open: "chip--ok", pending: "chip--warn" };
const PRIORITY_TONE: Record<string, string> = { high: "chip--warn", urgent: "chip--danger" };

/** The contact's tickets that still need work (new, open, pending). */
export function OpenTickets({ contactId }: { contactId: string }) {
  const tickets = useOpenTickets(contactId);
  const list = tickets.data ?? [];
  return (
    <section className="pane" data-testid="profile-tickets" aria-label="Open tickets">
      <header className="pane__header">
        <h3 className="pane__title">Open tickets</h3>
        {tickets.isSuccess && <span className="card__count">{list.length}</span>}
      </header>
      <ListState query={tickets} loading="Loading tickets…" empty="No open tickets." isEmpty={list.length === 0} />
      {list.length > 0 && (
        <ul className="tickets">
          {list.map((ticket) => (
            <li key={ticket.id} className="ticket" data-testid="ticket-row" data-ticket-id={ticket.id} data-status={ticket.status}>
              <div className="ticket__top">
                <span className="ticket__number">#{ticket.number}</span>
                <span className="ticket__subject" title={ticket.subject}>{ticket.subject}</span>
              </div>
              <div className="ticket__meta">
                <span className={`chip ${STATUS_TONE[ticket.status] ?? ""}`}>{ticket.status}</span>
                {ticket.priority !== "normal" && <span className={`chip ${PRIORITY_TONE[ticket.priority] ?? "chip--muted"}`}>{ticket.priority}</span>}
                <span className="ticket__who">{ticket.assignee ? ticket.assignee.name : "Unassigned"}</span>
                {ticket.due_at && <span className="ticket__due">due {formatDateTime(ticket.due_at)}</span>}
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
