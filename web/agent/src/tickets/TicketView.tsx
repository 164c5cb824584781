import { useState, type FormEvent } from "react";
import { errorMessage } from "../api/client";
import { selectConversation } from "../app/selection";
import { useUsers } from "../conversation/queries";
import { useNow } from "../inbox/useNow";
import { FormError, FormField } from "../ui/FormField";
import { formErrors } from "../ui/formErrors";
import { ListState } from "../ui/ListState";
import { formatDateTime } from "../ui/dateTime";
import {
  actorName,
  canMoveTo,
  describeHistory,
  fromLocalInput,
  isOverdue,
  PRIORITIES,
  STATUSES,
  toLocalInput,
  type TicketDetail,
  type TicketPriority,
  type TicketStatus,
} from "./logic";
import { StatusChip } from "./parts";
import { useAddNote, useTicket, useTicketHistory, useUpdateTicket } from "./queries";
import { openTickets } from "./route";

/** One ticket: its fields, linked conversations, internal notes and history. */
export function TicketView({ ticketId, meId }: { ticketId: string; meId: string }) {
  const ticket = useTicket(ticketId);
  const data = ticket.data;
  return (
    <section className="admin ticket-page" aria-labelledby="ticket-title">
      <header className="admin__header area__header">
        <div className="crumbs">
          <button type="button" className="crumbs__back" onClick={() => openTickets()} data-testid="tickets-back">
            Tickets
          </button>
          <span className="crumbs__sep">›</span>
          <h1 className="admin__title" id="ticket-title" data-testid="ticket-subject">
            {data ? (
              <>
                <span className="ticket__number">#{data.number}</span> {data.subject}
              </>
            ) : (
              "…"
            )}
          </h1>
          {data && <StatusChip status={data.status} />}
        </div>
      </header>
      <div className="admin__body">
        {!data ? (
          <ListState query={ticket} loading="Loading ticket…" empty="" isEmpty={false} />
        ) : (
          <div className="ticket-grid">
            <div className="ticket-grid__main">
              <TicketConversations ticket={data} />
              <TicketNotes ticket={data} meId={meId} />
            </div>
            <div className="ticket-grid__side">
              <TicketFields ticket={data} meId={meId} />
              <TicketHistory ticketId={data.id} />
            </div>
          </div>
        )}
      </div>
    </section>
  );
}

function TicketFields({ ticket, meId }: { ticket: TicketDetail; meId: string }) {
  const users = useUsers();
  const update = useUpdateTicket(ticket.id);
  const now = useNow();
  const [due, setDue] = useState(() => toLocalInput(ticket.due_at));
  const [dueFor, setDueFor] = useState(ticket.due_at);
  // The server's value wins whenever it changes (after a save, or someone else's).
  if (dueFor !== ticket.due_at) {
    setDueFor(ticket.due_at);
    setDue(toLocalInput(ticket.due_at));
  }
  const closed = ticket.status === "closed";
  const busy = update.isPending;
  const errors = formErrors(update.error, ["status", "priority", "assignee_id", "due_at", "subject"] as const);
  const overdue = isOverdue(ticket, now);
  const dueValue = fromLocalInput(due);
  const dueChanged = due !== toLocalInput(ticket.due_at);

  function saveDue(event: FormEvent) {
    event.preventDefault();
    if (due && !dueValue) return;
    update.mutate({ due_at: dueValue });
  }

  return (
    <section className="card" aria-labelledby="ticket-fields-title" data-testid="ticket-fields">
      <header className="card__header">
        <h2 className="card__title" id="ticket-fields-title">Details</h2>
        {closed && <span className="chip chip--muted">closed: read only</span>}
      </header>
      <div className="card__body ticket-fields">
        <FormError message={errors.form} />
        <FormField field="status" label="Status" error={errors.fields.status}>
          {(control) => (
            <select
              {...control}
              className="select"
              data-testid="ticket-status"
              value={ticket.status}
              disabled={busy || closed}
              onChange={(e) => update.mutate({ status: e.target.value as TicketStatus })}
            >
              {STATUSES.map((s) => (
                <option key={s} value={s} disabled={!canMoveTo(ticket.status, s)}>
                  {s === "open" && ticket.status === "solved" ? "open (reopen)" : s}
                </option>
              ))}
            </select>
          )}
        </FormField>
        <FormField field="priority" label="Priority" error={errors.fields.priority}>
          {(control) => (
            <select
              {...control}
              className="select"
              data-testid="ticket-priority"
              value={ticket.priority}
              disabled={busy || closed}
              onChange={(e) => update.mutate({ priority: e.target.value as TicketPriority })}
            >
              {PRIORITIES.map((p) => (
                <option key={p} value={p}>{p}</option>
              ))}
            </select>
          )}
        </FormField>
        <FormField field="assignee_id" label="Assignee" error={errors.fields.assignee_id}>
          {(control) => (
            <select
              {...control}
              className="select"
              data-testid="ticket-assignee"
              value={ticket.assignee?.id ?? ""}
              disabled={busy || closed}
              onChange={(e) => update.mutate({ assignee_id: e.target.value || null })}
            >
              <option value="">Unassigned</option>
              {ticket.assignee && !users.data?.some((u) => u.id === ticket.assignee?.id) && (
                <option value={ticket.assignee.id}>{ticket.assignee.name}</option>
              )}
              {(users.data ?? []).map((u) => (
                <option key={u.id} value={u.id}>{u.id === meId ? `${u.name} (you)` : u.name}</option>
              ))}
            </select>
          )}
        </FormField>
        <form onSubmit={saveDue}>
          <FormField
            field="due_at"
            label="Due"
            error={errors.fields.due_at ?? (due && !dueValue ? "Not a valid date and time" : undefined)}
            hint={overdue ? <span className="ticket-due--overdue" data-testid="ticket-overdue">Overdue</span> : undefined}
          >
            {(control) => (
              <div className="ticket-due">
                <input
                  {...control}
                  type="datetime-local"
                  className="search-input"
                  data-testid="ticket-due"
                  value={due}
                  disabled={busy || closed}
                  onChange={(e) => setDue(e.target.value)}
                />
                <button type="submit" className="button button--small" data-testid="ticket-due-save" disabled={busy || closed || !dueChanged}>
                  Save
                </button>
                {ticket.due_at && (
                  <button type="button" className="button button--small button--ghost" data-testid="ticket-due-clear" disabled={busy || closed} onClick={() => update.mutate({ due_at: null })}>
                    Clear
                  </button>
                )}
              </div>
            )}
          </FormField>
        </form>
        <dl className="facts ticket-facts">
          <div className="facts__row"><dt>Contact</dt><dd>{ticket.contact.name}{ticket.contact.email ? ` · ${ticket.contact.email}` : ""}</dd></div>
          <div className="facts__row"><dt>Created</dt><dd>{formatDateTime(ticket.created_at)}{ticket.created_by ? ` by ${ticket.created_by.name}` : ""}</dd></div>
          <div className="facts__row"><dt>Last change</dt><dd>{formatDateTime(ticket.updated_at)}</dd></div>
          {ticket.solved_at && <div className="facts__row"><dt>Solved</dt><dd>{formatDateTime(ticket.solved_at)}</dd></div>}
          {ticket.closed_at && <div className="facts__row"><dt>Closed</dt><dd>{formatDateTime(ticket.closed_at)}</dd></div>}
        </dl>
      </div>
    </section>
  );
}

function TicketConversations({ ticket }: { ticket: TicketDetail }) {
  return (
    <section className="card" aria-labelledby="ticket-conversations-title">
      <header className="card__header">
        <h2 className="card__title" id="ticket-conversations-title">Conversations</h2>
        <span className="card__count">{ticket.conversation_ids.length}</span>
      </header>
      <div className="card__body">
        {ticket.conversation_ids.length === 0 ? (
          <p className="table__muted">No conversation is linked to this ticket.</p>
        ) : (
          <ul className="ticket-links">
            {ticket.conversation_ids.map((id, i) => (
              <li key={id}>
                <a
                  className="link-button"
                  href={`#/c/${encodeURIComponent(id)}`}
                  data-testid="ticket-conversation"
                  data-conversation-id={id}
                  onClick={(e) => {
                    e.preventDefault();
                    selectConversation(id);
                  }}
                >
                  Conversation {i + 1} with {ticket.contact.name}
                </a>
              </li>
            ))}
          </ul>
        )}
      </div>
    </section>
  );
}

function TicketNotes({ ticket, meId }: { ticket: TicketDetail; meId: string }) {
  const users = useUsers();
  const add = useAddNote(ticket.id);
  const [body, setBody] = useState("");
  const errors = formErrors(add.error, ["body"] as const);

  function submit(event: FormEvent) {
    event.preventDefault();
    const text = body.trim();
    if (!text) return;
    add.mutate(text, { onSuccess: () => setBody("") });
  }

  return (
    <section className="card" aria-labelledby="ticket-notes-title">
      <header className="card__header">
        <h2 className="card__title" id="ticket-notes-title">Internal notes</h2>
        <span className="chip chip--muted" title="Never sent to or shown to the customer">team only</span>
      </header>
      <div className="card__body">
        {ticket.notes.length === 0 ? (
          <p className="table__muted">No notes yet.</p>
        ) : (
          <ul className="ticket-notes">
            {ticket.notes.map((note) => (
              <li key={note.id} className="ticket-note" data-testid="ticket-note">
                <div className="ticket-note__head">
                  <span className="ticket-note__who">
                    {note.author_id === meId ? "You" : (users.data?.find((u) => u.id === note.author_id)?.name ?? "Former user")}
                  </span>
                  <span className="table__muted">{formatDateTime(note.created_at)}</span>
                </div>
                <p className="ticket-note__body">{note.body}</p>
              </li>
            ))}
          </ul>
        )}
        <form className="ticket-note-form" onSubmit={submit}>
          <FormError message={errors.form} />
          <FormField field="body" label={<span className="visually-hidden">New note</span>} error={errors.fields.body}>
            {(control) => (
              <textarea
                {...control}
                className="ticket-note-form__input"
                data-testid="ticket-note-input"
                placeholder="Add an internal note for the team"
                rows={3}
                maxLength={4000}
                value={body}
                onChange={(e) => setBody(e.target.value)}
              />
            )}
          </FormField>
          <div className="form-actions">
            <button type="submit" className="button button--primary button--small" data-testid="ticket-note-add" disabled={add.isPending || !body.trim()}>
              Add note
            </button>
          </div>
        </form>
      </div>
    </section>
  );
}

function TicketHistory({ ticketId }: { ticketId: string }) {
  const history = useTicketHistory(ticketId);
  const users = useUsers();
  const rows = history.data ?? [];
  const named = users.data ?? [];
  return (
    <section className="card" aria-labelledby="ticket-history-title">
      <header className="card__header">
        <h2 className="card__title" id="ticket-history-title">History</h2>
      </header>
      <ListState query={history} loading="Loading history…" empty="No changes yet." isEmpty={rows.length === 0} />
      {rows.length > 0 && (
        <ol className="ticket-history">
          {rows.map((entry) => {
            const text = describeHistory(entry, named, formatDateTime);
            return (
              <li key={entry.id} className="ticket-history__row" data-testid="ticket-history" data-field={entry.field}>
                <div className="ticket-history__head">
                  <span className="ticket-history__who">{actorName(entry.actor, named)}</span>
                  <span className="table__muted">{formatDateTime(entry.created_at)}</span>
                </div>
                <div className="ticket-history__what">
                  <span className="ticket-history__field">{text.what}</span>
                  {text.from !== null && (
                    <>
                      {" "}
                      <span className="diff__before">{text.from}</span> <span className="diff__arrow">→</span>
                    </>
                  )}
                  {text.to !== null && (
                    <>
                      {" "}
                      <span className="diff__after">{text.to}</span>
                    </>
                  )}
                </div>
              </li>
            );
          })}
        </ol>
      )}
      {history.isError && rows.length > 0 && <p className="field__error">{errorMessage(history.error)}</p>}
    </section>
  );
}

