import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api, ApiError, unwrap } from "../api/client";
import { useNow } from "../inbox/useNow";
import { FormError } from "../ui/FormField";
import { formErrors } from "../ui/formErrors";
import { CALLBACKS_ROOT } from "./callbackQueries";
import { applyCall, callLine, liveCall, useCalls } from "./calls";
import "./calls.css";

/** A 409 that asks for the agent's own phone first (the server rings it before the customer). */
function needsPhone(error: unknown): boolean {
  return error instanceof ApiError && error.status === 409 && /phone number to your profile/.test(error.message);
}

function useStartCall(conversationId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () =>
      unwrap(
        api.POST("/v1/conversations/{conversation_id}/calls", {
          params: { path: { conversation_id: conversationId } },
          body: {},
        }),
      ),
    onSuccess(call) {
      applyCall(queryClient, call);
      void queryClient.invalidateQueries({ queryKey: CALLBACKS_ROOT });
    },
  });
}

function useSetMyPhone() {
  return useMutation({
    mutationFn: (phone: string) => unwrap(api.PUT("/v1/me/phone", { body: { phone } })),
  });
}

/**
 * The conversation's phone: "Call" on a callback (click to call rings the agent's
 * phone, then the customer's number), and the latest call's state live from
 * `call.updated` frames: ringing, on call with its running time, ended with the
 * outcome (which the server records on the callback). Without a phone on the
 * agent's profile, it asks for one and then calls.
 */
export function CallAction({ conversationId, canCall }: { conversationId: string; canCall: boolean }) {
  const calls = useCalls(conversationId);
  const start = useStartCall(conversationId);
  const setPhone = useSetMyPhone();
  const [phone, setPhoneText] = useState("");
  const now = useNow(1000);
  const list = calls.data ?? [];
  const live = liveCall(list);
  const latest = live ?? list[list.length - 1] ?? null;
  const askPhone = needsPhone(start.error);
  const phoneErrors = formErrors(setPhone.error, ["phone"] as const);
  const startError = start.error && !askPhone ? formErrors(start.error, ["phone"] as const) : null;

  return (
    <div className="call-action" data-testid="call-panel">
      {canCall && !live && (
        <button
          type="button"
          className="button button--small button--primary"
          data-testid="call-start"
          disabled={start.isPending}
          title="Ring your phone, then the customer's number"
          onClick={() => start.mutate()}
        >
          {start.isPending ? "Calling…" : "Call"}
        </button>
      )}
      {latest && (
        <span
          className={`chip${latest.status === "ended" ? " chip--muted" : " chip--ok"}`}
          data-testid="call-status"
          data-status={latest.status}
          aria-live="polite"
        >
          {callLine(latest, now)}
        </span>
      )}
      {startError && <FormError message={startError.form ?? startError.fields.phone ?? null} />}
      {askPhone && (
        <form
          className="card ticket-create__form"
          data-testid="agent-phone-form"
          aria-label="Your phone"
          onSubmit={(e) => {
            e.preventDefault();
            setPhone.mutate(phone.trim(), { onSuccess: () => start.mutate() });
          }}
        >
          <label className="field">
            <span className="field__label">Your phone (rings first)</span>
            <input
              className="input"
              data-testid="agent-phone"
              type="tel"
              placeholder="+420 601 123 456"
              value={phone}
              onChange={(e) => setPhoneText(e.target.value)}
            />
          </label>
          <FormError message={phoneErrors.fields.phone ?? phoneErrors.form} />
          <button type="submit" className="button button--small button--primary" data-testid="agent-phone-save" disabled={setPhone.isPending}>
            Save and call
          </button>
        </form>
      )}
    </div>
  );
}
