import { useState, type FormEvent } from "react";
import { FormError, FormField } from "../ui/FormField";
import { useChannels } from "../channels/catalogue";
import { useSaveQueue, type QueueOut } from "./queries";
import { draftFromQueue, EMPTY_QUEUE, NO_QUEUE_ERRORS, queueBody, queueErrors, slaChannels, type QueueDraft, type QueueErrors, type Strategy } from "./queueForm";
import { SlaInputs } from "./SlaInputs";
import { StepsEditor } from "./StepsEditor";

const STRATEGIES: { value: Strategy; label: string }[] = [
  { value: "least_occupied", label: "Least occupied" },
  { value: "longest_idle", label: "Longest idle" },
];

/** Creates a queue (queue null) or edits one; the server's field errors show under their inputs. */
export function QueueForm({ queue, queues, onDone }: { queue: QueueOut | null; queues: readonly QueueOut[]; onDone(): void }) {
  const save = useSaveQueue();
  const channels = useChannels();
  const kinds = channels.channels.map((c) => c.kind);
  const [draft, setDraft] = useState<QueueDraft>(() => (queue ? draftFromQueue(queue) : EMPTY_QUEUE));
  const [errors, setErrors] = useState<QueueErrors>(NO_QUEUE_ERRORS);

  function edit(patch: Partial<QueueDraft>, slot?: string) {
    setDraft((d) => ({ ...d, ...patch }));
    setErrors((e) => {
      if (slot === undefined) return { at: Object.fromEntries(Object.entries(e.at).filter(([k]) => !k.startsWith("steps"))), form: e.form };
      const { [slot]: _gone, ...at } = e.at;
      return { at, form: e.form };
    });
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (save.isPending) return;
    setErrors(NO_QUEUE_ERRORS);
    save.mutate({ id: queue?.id ?? null, body: queueBody(draft) }, { onSuccess: onDone, onError: (error) => setErrors(queueErrors(error, draft, kinds)) });
  }

  const at = errors.at;
  const numberInput = (slot: "sticky_seconds" | "wrap_up_seconds" | "reservation_seconds", key: "sticky" | "wrapUp" | "reservation", label: string, hint: string, testId: string) => (
    <FormField field={slot} label={label} hint={hint} error={at[slot]}>
      {(control) => (
        <input {...control} data-testid={testId} type="number" min={0} inputMode="numeric" value={draft[key]} onChange={(e) => edit({ [key]: e.target.value }, slot)} />
      )}
    </FormField>
  );

  return (
    <form className="card admin-form queue-form" onSubmit={submit} noValidate aria-labelledby="queue-form-title" data-testid="queue-form">
      <header className="card__header">
        <h2 className="card__title" id="queue-form-title">{queue ? `Edit ${queue.name}` : "New queue"}</h2>
      </header>
      <div className="card__body admin-form__body">
        <div className="admin-form__row">
          <FormField field="name" label="Name" required error={at.name}>
            {(control) => <input {...control} data-testid="queue-form-name" autoComplete="off" maxLength={64} value={draft.name} onChange={(e) => edit({ name: e.target.value }, "name")} />}
          </FormField>
          <fieldset className="queue-form__channels">
            <legend className="field__label">Default queue for</legend>
            <div className="queue-form__checks">
              {channels.kindsWith(draft.channels).map((channel) => (
                <label key={channel} className="checkbox-field">
                  <input
                    type="checkbox"
                    data-testid={`queue-form-channel-${channel}`}
                    checked={draft.channels.includes(channel)}
                    onChange={(e) =>
                      edit({ channels: e.target.checked ? [...draft.channels, channel] : draft.channels.filter((c) => c !== channel) }, "channels")
                    }
                  />
                  <span>{channels.label(channel)}</span>
                </label>
              ))}
            </div>
            {at.channels && (
              <p className="field__error" data-testid="field-error" data-field="channels">
                {at.channels}
              </p>
            )}
          </fieldset>
        </div>
        <StepsEditor steps={draft.steps} errors={at} onChange={(steps, slot) => edit({ steps }, slot)} />
        <div className="admin-form__row">
          <FormField field="strategy" label="Strategy" error={at.strategy} hint="Who gets the next task among those who match.">
            {(control) => (
              <select {...control} data-testid="queue-form-strategy" value={draft.strategy} onChange={(e) => edit({ strategy: e.target.value as Strategy }, "strategy")}>
                {STRATEGIES.map((s) => (
                  <option key={s.value} value={s.value}>
                    {s.label}
                  </option>
                ))}
              </select>
            )}
          </FormField>
          <FormField field="weight_skill" label="Weight by skill" error={at.weight_skill} hint="Optional: higher levels of this skill get more work.">
            {(control) => (
              <input {...control} data-testid="queue-form-weight-skill" autoComplete="off" maxLength={32} placeholder="e.g. fridges" value={draft.weightSkill} onChange={(e) => edit({ weightSkill: e.target.value }, "weight_skill")} />
            )}
          </FormField>
        </div>
        <FormField field="overflow_queue_id" label="Overflow to" error={at.overflow_queue_id} hint="After the last step times out, the task moves to this queue.">
          {(control) => (
            <select {...control} data-testid="queue-form-overflow" value={draft.overflowQueueId} onChange={(e) => edit({ overflowQueueId: e.target.value }, "overflow_queue_id")}>
              <option value="">No overflow</option>
              {queues
                .filter((q) => q.id !== queue?.id)
                .map((q) => (
                  <option key={q.id} value={q.id}>
                    {q.name}
                  </option>
                ))}
            </select>
          )}
        </FormField>
        <SlaInputs channels={slaChannels(draft, kinds)} values={draft.sla} errors={at} onChange={(channel, value) => edit({ sla: { ...draft.sla, [channel]: value } }, `sla_seconds.${channel}`)} />
        <div className="admin-form__row admin-form__row--three">
          {numberInput("sticky_seconds", "sticky", "Sticky agent (s)", "Wait this long for the agent who last served the contact; 0: off.", "queue-form-sticky")}
          {numberInput("wrap_up_seconds", "wrapUp", "Wrap-up (s)", "A closed task's slot frees after this.", "queue-form-wrap-up")}
          {numberInput("reservation_seconds", "reservation", "Reservation (s)", "Time to accept before the next agent.", "queue-form-reservation")}
        </div>
        <label className="checkbox-field">
          <input type="checkbox" data-testid="queue-form-auto-accept" checked={draft.autoAccept} onChange={(e) => edit({ autoAccept: e.target.checked }, "auto_accept")} />
          <span>Assign at once (off: the agent accepts or rejects each task)</span>
        </label>
        <FormError message={errors.form} />
        <div className="form-actions">
          <button type="button" className="button button--ghost" data-testid="queue-form-cancel" onClick={onDone}>
            Cancel
          </button>
          <button type="submit" className="button button--primary" data-testid="queue-form-submit" disabled={save.isPending}>
            {save.isPending ? "Saving…" : queue ? "Save queue" : "Create queue"}
          </button>
        </div>
      </div>
    </form>
  );
}
