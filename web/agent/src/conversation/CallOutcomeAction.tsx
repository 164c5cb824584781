import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api, unwrap } from "../api/client";
import { keys } from "../api/keys";
import { FormError } from "../ui/FormField";
import { formErrors } from "../ui/formErrors";
import { CALL_OUTCOMES, outcomeHint, type CallOutcome } from "./callOutcomes";
import { CALLBACKS_ROOT } from "./callbackQueries";
import { t } from "../i18n/i18n";

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
      void queryClient.invalidateQueries({ queryKey: CALLBACKS_ROOT });
    },
  });
}

/**
 * On a callback: "Outcome" → how the attempt went (retried or ended by the server).
 * The header opens it too when the agent closes a pending callback (`closing`): the
 * outcome is asked for, and closing without one is offered (the server then cancels it).
 */
export function CallOutcomeAction({
  conversationId,
  open,
  onOpenChange: setOpen,
  closing = false,
  onCloseWithoutOutcome,
}: {
  conversationId: string;
  open: boolean;
  onOpenChange(open: boolean): void;
  closing?: boolean;
  onCloseWithoutOutcome?(): void;
}) {
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
        title={t("outcome.title")}
        onClick={() => setOpen(!open)}
      >
        {t("outcome.button")}
      </button>
      {open && (
        <form
          className="card ticket-create__form transfer-form"
          data-testid="call-outcome-form"
          aria-label={t("outcome.label")}
          onSubmit={(e) => {
            e.preventDefault();
            if (record.isPending) return;
            record.mutate({ outcome, note: note.trim() || null }, { onSuccess: () => setOpen(false) });
          }}
        >
          {closing && (
            <p className="field__hint" data-testid="call-outcome-closing">
              {t("outcome.closing")}
            </p>
          )}
          <fieldset className="call-outcomes">
            <legend>{t("outcome.legend")}</legend>
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
            aria-label={t("outcome.note")}
            placeholder={t("outcome.notePlaceholder")}
            rows={2}
            maxLength={2000}
            value={note}
            onChange={(e) => setNote(e.target.value)}
          />
          <FormError message={errors.form ?? errors.fields.outcome ?? null} />
          <div className="form-actions">
            <button type="button" className="button button--small button--ghost" onClick={() => setOpen(false)}>
              {t("common.cancel")}
            </button>
            {closing && onCloseWithoutOutcome && (
              <button
                type="button"
                className="button button--small"
                data-testid="call-outcome-close-anyway"
                disabled={record.isPending}
                onClick={() => {
                  setOpen(false);
                  onCloseWithoutOutcome();
                }}
              >
                {t("outcome.closeWithout")}
              </button>
            )}
            <button type="submit" className="button button--small button--primary" data-testid="call-outcome-submit" disabled={record.isPending}>
              {record.isPending ? t("common.saving") : t("common.save")}
            </button>
          </div>
        </form>
      )}
    </div>
  );
}
