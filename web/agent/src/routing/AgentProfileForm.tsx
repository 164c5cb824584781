import { useState, type FormEvent } from "react";
import { FormError, FormField } from "../ui/FormField";
import { NO_SLOT_ERRORS } from "../ui/formErrors";
import { useChannels } from "../channels/catalogue";
import { draftFromAgent, localProfileErrors, profileBody, profileErrors, type ProfileDraft, type ProfileErrors } from "./profileForm";
import { useSetProfile, type AgentOut } from "./queries";
import { SkillsEditor } from "./SkillsEditor";

const NONE: ProfileErrors = NO_SLOT_ERRORS;

/** Edits one agent's skills and capacity per channel. */
export function AgentProfileForm({ agent, onDone }: { agent: AgentOut; onDone(): void }) {
  const save = useSetProfile();
  const channels = useChannels();
  const [draft, setDraft] = useState<ProfileDraft>(() => draftFromAgent(agent, channels.channels.map((c) => c.kind)));
  const [errors, setErrors] = useState<ProfileErrors>(NONE);

  function clear(slot: string | undefined) {
    setErrors((e) => {
      if (slot === undefined) return { at: Object.fromEntries(Object.entries(e.at).filter(([k]) => !k.startsWith("skills"))), form: e.form };
      const { [slot]: _gone, ...at } = e.at;
      return { at, form: e.form };
    });
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (save.isPending) return;
    const local = localProfileErrors(draft);
    if (Object.keys(local).length > 0) {
      setErrors({ at: local, form: null });
      return;
    }
    setErrors(NONE);
    save.mutate({ userId: agent.id, body: profileBody(draft) }, { onSuccess: onDone, onError: (error) => setErrors(profileErrors(error, draft)) });
  }

  return (
    <form className="profile-form" onSubmit={submit} noValidate aria-label={`Routing profile of ${agent.name}`} data-testid="agent-profile-form">
      <SkillsEditor
        skills={draft.skills}
        errors={errors.at}
        onChange={(skills, slot) => {
          setDraft((d) => ({ ...d, skills }));
          clear(slot);
        }}
      />
      <fieldset className="profile-form__capacity">
        <legend className="field__label">Capacity (at once, per channel)</legend>
        {errors.at.capacity && (
          <p className="field__error" data-testid="field-error" data-field="capacity">
            {errors.at.capacity}
          </p>
        )}
        <div className="sla-inputs__grid">
          {channels.kindsWith(Object.keys(draft.capacity)).map((channel) => (
            <FormField key={channel} field={`capacity.${channel}`} label={channels.label(channel)} error={errors.at[`capacity.${channel}`]}>
              {(control) => (
                <input
                  {...control}
                  data-testid={`capacity-${channel}`}
                  type="number"
                  min={0}
                  max={50}
                  inputMode="numeric"
                  value={draft.capacity[channel] ?? ""}
                  onChange={(e) => {
                    const value = e.target.value;
                    setDraft((d) => ({ ...d, capacity: { ...d.capacity, [channel]: value } }));
                    clear(`capacity.${channel}`);
                  }}
                />
              )}
            </FormField>
          ))}
        </div>
        <p className="field__hint">0 turns a channel off for this agent. Web chat is the same number as the Team tab's chat capacity.</p>
      </fieldset>
      <FormError message={errors.form} />
      <div className="form-actions">
        <button type="button" className="button button--ghost button--small" onClick={onDone}>
          Cancel
        </button>
        <button type="submit" className="button button--primary button--small" data-testid="agent-profile-save" disabled={save.isPending}>
          {save.isPending ? "Saving…" : "Save profile"}
        </button>
      </div>
    </form>
  );
}
