import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api, unwrap } from "../api/client";
import { keys } from "../api/keys";
import { FormError } from "../ui/FormField";
import { formErrors } from "../ui/formErrors";
import { CALL_OUTCOMES, outcomeHint, type CallOutcome } from "./callOutcomes";

function useRecordOutcome(conversationId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { outcome: CallOutcome; note: string | null }) =>
      unwrap(
        api.POST("/v1/conversations/{conversation_id}/callback/outcome", {
          params: { path: { conversation_id: conversationId } },
          body,
        }),
      ),
    onSuccess() {
      void queryClient.invalidateQueries({ queryKey: keys.conversation(conversationId) });
      void queryClient.invalidateQueries({ queryKey: keys.messages(conversationId) });
    },
  });
}

/** On a callback: "Call outcome" → how the attempt went (retried or ended by the server). */
export function CallOutcomeAction({ conversationId }: { conversationId: string }) {
  const [open, setOpen] = useState(false);
  const [outcome, setOutcome] = useState<CallOutcome>("reached");
  const [note, setNote] = useState("");
  const record = useRecordOutcome(conversationId);
  const errors = formErrors(record.error, ["outcome", "note"] as const);
  return (
    <div className="ticket-create">
      <button
        type="button"
        className="button button--small"
        data-testid="call-outcome-open"
        aria-expanded={open}
        onClick={() => setOpen((o) => !o)}
      >
        Call outcome
      </button>
      {open && (
        <form
          className="card ticket-create__form transfer-form"
          data-testid="call-outcome-form"
          aria-label="Record the call's outcome"
          onSubmit={(e) => {
            e.preventDefault();
            if (record.isPending) return;
            record.mutate({ outcome, note: note.trim() || null }, { onSuccess: () => setOpen(false) });
          }}
        >
          <fieldset className="call-outcomes">
            <legend>How did the call go?</legend>
            {CALL_OUTCOMES.map((o) => (
              <label key={o.value}>
                <input
                  type="radio"
                  name="outcome"
                  value={o.value}
                  data-testid={`call-outcome-${o.value}`}
                  checked={outcome === o.value}
                  onChange={() => setOutcome(o.value)}
                />{" "}
                {o.label}
              </label>
            ))}
          </fieldset>
          <p className="field__hint">{outcomeHint(outcome)}</p>
          <textarea
            className="transfer-form__note"
            aria-label="Note"
            placeholder="Note (private)"
            rows={2}
            maxLength={2000}
            value={note}
            onChange={(e) => setNote(e.target.value)}
          />
          <FormError message={errors.form ?? errors.fields.outcome ?? null} />
          <div className="form-actions">
            <button type="button" className="button button--small button--ghost" onClick={() => setOpen(false)}>
              Cancel
            </button>
            <button type="submit" className="button button--small button--primary" data-testid="call-outcome-submit" disabled={record.isPending}>
              {record.isPending ? "Saving…" : "Save"}
            </button>
          </div>
        </form>
      )}
    </div>
  );
}
