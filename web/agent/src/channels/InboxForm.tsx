/** "Add inbox": pick a channel with inboxes, then fill the form its config_fields make. */
import { useState, type FormEvent } from "react";
import type { ChannelOut } from "../api/client";
import { NO_SLOT_ERRORS, type SlotErrors } from "../ui/formErrors";
import { FormError, FormField } from "../ui/FormField";
import { useAddInbox, type InboxOut } from "./inboxes";
import { draftFor, inboxBody, inboxErrors, inboxInputs, missingRequired, type InboxDraft, type InboxInput } from "./inboxDraft";

function valueOf(draft: InboxDraft, input: InboxInput): string {
  return input.slot === "name" ? draft.name : (draft.config[input.slot.slice("config.".length)] ?? "");
}

function withValue(draft: InboxDraft, input: InboxInput, value: string): InboxDraft {
  if (input.slot === "name") return { ...draft, name: value };
  return { ...draft, config: { ...draft.config, [input.slot.slice("config.".length)]: value } };
}

/** `channels`: those with inboxes; `loaded`: false while the server's list is on its way. */
export function InboxForm({
  channels,
  loaded,
  onAdded,
}: {
  channels: readonly ChannelOut[];
  loaded: boolean;
  onAdded(inbox: InboxOut): void;
}) {
  const add = useAddInbox();
  const [draft, setDraft] = useState<InboxDraft>(() => draftFor(channels[0]));
  const [nameTyped, setNameTyped] = useState(false);
  const [errors, setErrors] = useState<SlotErrors>(NO_SLOT_ERRORS);
  // The catalogue may arrive after the form: until a kind is picked, the first channel is meant.
  const channel = channels.find((c) => c.kind === draft.kind) ?? channels[0];
  const shown = channel && channel.kind !== draft.kind ? draftFor(channel, nameTyped ? draft.name : undefined) : draft;
  const fields = channel?.config_fields ?? [];

  function pick(kind: string) {
    setDraft(draftFor(channels.find((c) => c.kind === kind), nameTyped ? shown.name : undefined));
    setErrors(NO_SLOT_ERRORS);
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (add.isPending || !channel) return;
    const missing = missingRequired(shown, fields);
    if (Object.keys(missing).length > 0) {
      setErrors({ at: missing, form: null });
      return;
    }
    setErrors(NO_SLOT_ERRORS);
    add.mutate(inboxBody(shown), {
      onSuccess(inbox) {
        setDraft(draftFor(channel));
        setNameTyped(false);
        onAdded(inbox);
      },
      onError(error) {
        setErrors(inboxErrors(error, fields));
      },
    });
  }

  return (
    <form className="card admin-form" onSubmit={submit} noValidate aria-labelledby="add-inbox-title" data-testid="inbox-form">
      <header className="card__header">
        <h2 className="card__title" id="add-inbox-title">
          Add inbox
        </h2>
      </header>
      <div className="card__body admin-form__body">
        {channels.length === 0 ? (
          <p className="admin-form__intro">{loaded ? "This server has no channel that is added as an inbox." : "Loading channels…"}</p>
        ) : (
          <>
            <p className="admin-form__intro">
              Paste the provider's credentials; the next step shows the webhook URL and token to paste into the provider's console.
            </p>
            <FormField field="kind" label="Channel" error={errors.at.kind} idPrefix="inbox" required>
              {(control) => (
                <select {...control} data-testid="inbox-kind" value={shown.kind} onChange={(e) => pick(e.target.value)}>
                  {channels.map((c) => (
                    <option key={c.kind} value={c.kind}>
                      {c.display_name}
                    </option>
                  ))}
                </select>
              )}
            </FormField>
            {inboxInputs(fields).map((input) => (
              <FormField
                key={`${shown.kind}-${input.slot}`}
                field={input.slot}
                label={input.label}
                hint={input.help || undefined}
                required={input.required}
                error={errors.at[input.slot]}
                idPrefix="inbox"
              >
                {(control) => (
                  <input
                    {...control}
                    type={input.secret ? "password" : "text"}
                    autoComplete={input.secret ? "new-password" : "off"}
                    required={input.required}
                    data-testid={`inbox-field-${input.slot}`}
                    value={valueOf(shown, input)}
                    onChange={(e) => {
                      if (input.slot === "name") setNameTyped(true);
                      setDraft(withValue(shown, input, e.target.value));
                      setErrors(NO_SLOT_ERRORS);
                    }}
                  />
                )}
              </FormField>
            ))}
            <FormError message={errors.form} />
            <button type="submit" className="button button--primary" data-testid="inbox-submit" disabled={add.isPending}>
              {add.isPending ? "Adding…" : "Add inbox"}
            </button>
          </>
        )}
      </div>
    </form>
  );
}
