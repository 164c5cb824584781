import { useEffect, useRef, useState, type FormEvent } from "react";
import { FormError, FormField } from "../ui/FormField";
import { formErrors } from "../ui/formErrors";
import { PRIORITIES, suggestedSubject, type TicketPriority } from "./logic";
import { useContactAllTickets, useCreateTicket } from "./queries";
import { openTickets, ticketsHash } from "./route";
import { t } from "../i18n/i18n";

/**
 * The conversation header's ticket entry: a link to the ticket the conversation belongs to,
 * or "Create ticket" with a small form (subject from the first visitor message).
 */
export function ConversationTicket({
  conversationId,
  contactId,
  firstVisitorText,
}: {
  conversationId: string;
  contactId: string;
  firstVisitorText: string | null;
}) {
  const tickets = useContactAllTickets(contactId);
  const [open, setOpen] = useState(false);
  const ticket = tickets.data?.find((t) => t.conversation_ids.includes(conversationId)) ?? null;

  if (ticket) {
    return (
      <a
        className="button button--small ticket-link"
        href={ticketsHash({ view: "ticket", id: ticket.id })}
        data-testid="ticket-link"
        data-ticket-id={ticket.id}
        title={ticket.subject}
        onClick={(e) => {
          e.preventDefault();
          openTickets({ view: "ticket", id: ticket.id });
        }}
      >
        Ticket #{ticket.number}
      </a>
    );
  }
  return (
    <div className="ticket-create">
      <button
        type="button"
        className="button button--small"
        data-testid="ticket-create"
        aria-expanded={open}
        disabled={!tickets.isSuccess}
        title={tickets.isError ? t("ticket.checkFailed") : undefined}
        onClick={() => setOpen((o) => !o)}
      >
        {t("ticket.create")}
      </button>
      {open && (
        <CreateTicketForm
          conversationId={conversationId}
          initialSubject={suggestedSubject(firstVisitorText)}
          onDone={() => setOpen(false)}
          onRefresh={() => void tickets.refetch()}
        />
      )}
    </div>
  );
}

function CreateTicketForm({
  conversationId,
  initialSubject,
  onDone,
  onRefresh,
}: {
  conversationId: string;
  initialSubject: string;
  onDone(): void;
  onRefresh(): void;
}) {
  const create = useCreateTicket(conversationId);
  // Follows the first visitor message (it may load after the form opens) until edited.
  const [edited, setEdited] = useState<string | null>(null);
  const subject = edited ?? initialSubject;
  const [priority, setPriority] = useState<TicketPriority>("normal");
  const errors = formErrors(create.error, ["subject", "priority"] as const);
  const subjectRef = useRef<HTMLInputElement>(null);
  useEffect(() => subjectRef.current?.focus(), []);

  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate(
      { subject: subject.trim(), priority },
      {
        onSuccess: onDone,
        // 409: it belongs to a ticket already (made elsewhere): show the link.
        onError: onRefresh,
      },
    );
  }

  return (
    <form
      className="card ticket-create__form"
      data-testid="ticket-create-form"
      onSubmit={submit}
      onKeyDown={(e) => {
        if (e.key === "Escape") onDone();
      }}
    >
      <FormError message={errors.form} />
      <FormField field="subject" label={t("ticket.subject")} required error={errors.fields.subject}>
        {(control) => (
          <input
            {...control}
            ref={subjectRef}
            className="search-input"
            data-testid="ticket-create-subject"
            maxLength={200}
            value={subject}
            onChange={(e) => setEdited(e.target.value)}
          />
        )}
      </FormField>
      <FormField field="priority" label={t("ticket.priority")} error={errors.fields.priority}>
        {(control) => (
          <select {...control} className="select" data-testid="ticket-create-priority" value={priority} onChange={(e) => setPriority(e.target.value as TicketPriority)}>
            {PRIORITIES.map((p) => (
              <option key={p} value={p}>{p}</option>
            ))}
          </select>
        )}
      </FormField>
      <div className="form-actions">
        <button type="button" className="button button--small button--ghost" onClick={onDone}>
          {t("common.cancel")}
        </button>
        <button type="submit" className="button button--small button--primary" data-testid="ticket-create-submit" disabled={create.isPending || !subject.trim()}>
          {t("ticket.create")}
        </button>
      </div>
    </form>
  );
}
