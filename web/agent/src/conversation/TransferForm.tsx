import { useEffect, useRef, useState, type FormEvent } from "react";
import { presenceLabel } from "../presence/presenceChoices";
import { useQueues, useTransfer, type TransferIn } from "../routing/queries";
import { FormError, FormField } from "../ui/FormField";
import { formErrors } from "../ui/formErrors";
import { useUsers } from "./queries";

type Target = "queue" | "agent";
const FIELDS = ["queue_id", "agent_id", "note"] as const;

/** Hands the conversation to a queue (it waits there, keeping its SLA) or to an agent, with a private note. */
export function TransferForm({ conversationId, meId, onDone }: { conversationId: string; meId: string; onDone(): void }) {
  const transfer = useTransfer(conversationId);
  const queues = useQueues();
  const users = useUsers();
  const [target, setTarget] = useState<Target>("queue");
  const [queueId, setQueueId] = useState("");
  const [agentId, setAgentId] = useState("");
  const [note, setNote] = useState("");
  const errors = formErrors(transfer.error, FIELDS);
  const firstRef = useRef<HTMLSelectElement>(null);
  useEffect(() => firstRef.current?.focus(), [target]);

  const chosen = target === "queue" ? queueId : agentId;
  function submit(event: FormEvent) {
    event.preventDefault();
    if (transfer.isPending || !chosen) return;
    const body: TransferIn = {
      ...(target === "queue" ? { queue_id: queueId } : { agent_id: agentId }),
      note: note.trim() || null,
    };
    transfer.mutate(body, { onSuccess: onDone });
  }

  return (
    <form
      className="card ticket-create__form transfer-form"
      data-testid="transfer-form"
      aria-label="Transfer the conversation"
      onSubmit={submit}
      onKeyDown={(e) => {
        if (e.key === "Escape") onDone();
      }}
    >
      <div className="segmented" role="group" aria-label="Transfer to">
        {(["queue", "agent"] as const).map((t) => (
          <button
            key={t}
            type="button"
            className={`segmented__item${target === t ? " segmented__item--active" : ""}`}
            aria-pressed={target === t}
            data-testid={`transfer-to-${t}`}
            onClick={() => {
              setTarget(t);
              transfer.reset();
            }}
          >
            {t === "queue" ? "To a queue" : "To an agent"}
          </button>
        ))}
      </div>
      {target === "queue" ? (
        <FormField field="queue_id" label="Queue" required error={errors.fields.queue_id}>
          {(control) => (
            <select {...control} ref={firstRef} className="select" data-testid="transfer-queue" value={queueId} onChange={(e) => setQueueId(e.target.value)}>
              <option value="">{queues.isPending ? "Loading…" : "Choose a queue"}</option>
              {queues.data?.map((q) => (
                <option key={q.id} value={q.id}>
                  {q.name}
                </option>
              ))}
            </select>
          )}
        </FormField>
      ) : (
        <FormField field="agent_id" label="Agent" required error={errors.fields.agent_id}>
          {(control) => (
            <select {...control} ref={firstRef} className="select" data-testid="transfer-agent" value={agentId} onChange={(e) => setAgentId(e.target.value)}>
              <option value="">{users.isPending ? "Loading…" : "Choose an agent"}</option>
              {users.data
                ?.filter((u) => u.id !== meId)
                .map((u) => (
                  <option key={u.id} value={u.id}>
                    {u.name} — {presenceLabel(u.presence, u.presence_reason).toLowerCase()}
                  </option>
                ))}
            </select>
          )}
        </FormField>
      )}
      <FormField field="note" label="Note for them" hint="Kept as a private note; the customer never sees it." error={errors.fields.note}>
        {(control) => (
          <textarea
            {...control}
            className="transfer-form__note"
            data-testid="transfer-note"
            rows={3}
            maxLength={2000}
            value={note}
            onChange={(e) => setNote(e.target.value)}
          />
        )}
      </FormField>
      <FormError message={errors.form} />
      <div className="form-actions">
        <button type="button" className="button button--small button--ghost" onClick={onDone}>
          Cancel
        </button>
        <button type="submit" className="button button--small button--primary" data-testid="transfer-submit" disabled={transfer.isPending || !chosen}>
          {transfer.isPending ? "Transferring…" : "Transfer"}
        </button>
      </div>
    </form>
  );
}
