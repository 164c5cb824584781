import { useState, type FormEvent } from "react";
import { useInboxes } from "../channels/inboxes";
import { NO_SLOT_ERRORS, slotErrors, type SlotErrors } from "../ui/formErrors";
import { FormError, FormField } from "../ui/FormField";
import { ListState } from "../ui/ListState";
import { bodyOf, draftOf, type BotDraft } from "./draft";
import { flowSlot } from "./flowDraft";
import { FlowEditor } from "./FlowEditor";
import { useBotConfigs, useSaveBotConfig, type BotConfigOut } from "./queries";

function BotForm({ scope, label, saved }: { scope: string; label: string; saved: BotConfigOut | undefined }) {
  const save = useSaveBotConfig();
  const [draft, setDraft] = useState<BotDraft>(() => draftOf(saved));
  const [errors, setErrors] = useState<SlotErrors>(NO_SLOT_ERRORS);
  const [done, setDone] = useState(false);

  function change<K extends keyof BotDraft>(field: K, value: BotDraft[K]) {
    setDraft((d) => ({ ...d, [field]: value }));
    setErrors(NO_SLOT_ERRORS);
    setDone(false);
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    const read = bodyOf(draft);
    if ("field" in read) {
      setErrors({ at: { [read.field]: read.msg }, form: null });
      return;
    }
    save.mutate(
      { scope, body: read.body },
      {
        onSuccess: () => setDone(true),
        onError: (error) => setErrors(slotErrors(error, flowSlot)),
      },
    );
  }

  return (
    <form className="card admin-form" onSubmit={submit} noValidate aria-labelledby="bot-form-title" data-testid="bot-form">
      <header className="card__header">
        <h2 className="card__title" id="bot-form-title">
          Bot for {label}
        </h2>
      </header>
      <div className="card__body admin-form__body">
        <label className="bot__switch">
          <input type="checkbox" data-testid="bot-enabled" checked={draft.enabled} onChange={(e) => change("enabled", e.target.checked)} /> The bot
          answers new conversations first
        </label>
        <FormField field="name" label="Name" error={errors.at.name} hint="Shown to customers as the author of the bot's messages.">
          {(control) => <input {...control} data-testid="bot-name" value={draft.name} onChange={(e) => change("name", e.target.value)} />}
        </FormField>
        <FormField
          field="threshold"
          label="Confidence threshold"
          error={errors.at.threshold}
          hint="0–1. Answers from the help center when its best article scores at least this; 0.75 gives at most 5 % wrong answers on the test questions."
        >
          {(control) => (
            <input {...control} data-testid="bot-threshold" inputMode="decimal" value={draft.threshold} onChange={(e) => change("threshold", e.target.value)} />
          )}
        </FormField>
        <FlowEditor flows={draft.flows} errors={errors.at} onChange={(flows) => change("flows", flows)} />
        <FormError message={errors.form} />
        <div className="canned__buttons">
          <button type="submit" className="button button--primary" data-testid="bot-save" disabled={save.isPending}>
            {save.isPending ? "Saving…" : "Save"}
          </button>
          {done && (
            <span role="status" data-testid="bot-saved">
              Saved
            </span>
          )}
        </div>
      </div>
    </form>
  );
}

/** Admin → Bot: the bot of the web chat and of each inbox (off unless switched on). */
export function BotTab() {
  const configs = useBotConfigs();
  const inboxes = useInboxes();
  const [scope, setScope] = useState("webchat");
  const scopes = [{ scope: "webchat", label: "Web chat" }, ...(inboxes.data ?? []).map((i) => ({ scope: i.id, label: i.name }))];
  const current = scopes.find((s) => s.scope === scope) ?? scopes[0]!;
  return (
    <div className="admin-grid bot-grid">
      <section className="card" aria-labelledby="bot-scopes-title">
        <header className="card__header">
          <h2 className="card__title" id="bot-scopes-title">Where the bot answers</h2>
        </header>
        <ListState query={configs} loading="Loading the bot's settings…" empty="" isEmpty={false} />
        <ul className="bot__scopes">
          {scopes.map((s) => {
            const saved = configs.data?.find((c) => c.scope === s.scope);
            return (
              <li key={s.scope}>
                <button
                  type="button"
                  className={`link-button${s.scope === scope ? " bot__scope--active" : ""}`}
                  aria-pressed={s.scope === scope}
                  data-testid="bot-scope"
                  onClick={() => setScope(s.scope)}
                >
                  {s.label}
                </button>{" "}
                <span className="table__muted">{saved?.enabled ? "on" : "off"}</span>
              </li>
            );
          })}
        </ul>
      </section>
      {configs.isSuccess && (
        <BotForm key={current.scope} scope={current.scope} label={current.label} saved={configs.data.find((c) => c.scope === current.scope)} />
      )}
    </div>
  );
}
