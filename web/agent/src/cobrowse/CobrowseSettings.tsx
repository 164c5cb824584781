import { useEffect, useState } from "react";
import { errorMessage } from "../api/client";
import { useCobrowseSettings, useSaveCobrowseSettings, type CobrowseSettings as Settings } from "./queries";

/** Admin: may agents co-browse, and are sessions stored (for how long). */
export function CobrowseSettings() {
  const settings = useCobrowseSettings();
  const save = useSaveCobrowseSettings();
  const [draft, setDraft] = useState<Settings | null>(null);
  useEffect(() => {
    if (settings.data) setDraft(settings.data);
  }, [settings.data]);
  const edit = (next: Settings) => {
    setDraft(next);
    save.reset(); // "Saved" no longer says what is on screen
  };
  if (!draft) return settings.isError ? <p role="alert">{errorMessage(settings.error)}</p> : null;
  const days = Number.isInteger(draft.retention_days) && draft.retention_days >= 1 && draft.retention_days <= 365;
  return (
    <form
      className="admin-form"
      aria-label="Co-browsing"
      data-testid="cobrowse-settings"
      onSubmit={(e) => {
        e.preventDefault();
        if (days) save.mutate(draft);
      }}
    >
      <h3>Co-browsing</h3>
      <p className="admin__sub">
        Agents can ask a visitor in a web chat to share the page they are on. Inputs, passwords, card numbers and what the site marks
        private never leave the visitor's browser.
      </p>
      <label className="check">
        <input type="checkbox" data-testid="cobrowse-enabled" checked={draft.enabled} onChange={(e) => edit({ ...draft, enabled: e.target.checked })} />{" "}
        Agents may co-browse with visitors
      </label>
      <label className="check">
        <input type="checkbox" data-testid="cobrowse-record" checked={draft.record} onChange={(e) => edit({ ...draft, record: e.target.checked })} />{" "}
        Store co-browse sessions (masked as the agent saw them)
      </label>
      <label className="field">
        <span className="field__label">Keep stored sessions for (days)</span>
        <input
          className="input"
          type="number"
          min={1}
          max={365}
          data-testid="cobrowse-retention"
          value={draft.retention_days}
          aria-invalid={!days}
          onChange={(e) => edit({ ...draft, retention_days: Number(e.target.value) })}
        />
      </label>
      {!days && <p className="field__error" role="alert">Between 1 and 365 days.</p>}
      {save.isError && <p className="field__error" role="alert">{errorMessage(save.error)}</p>}
      <div>
        <button type="submit" className="button button--primary" data-testid="cobrowse-save" disabled={save.isPending || !days}>
          {save.isPending ? "Saving…" : save.isSuccess ? "Saved" : "Save"}
        </button>
      </div>
    </form>
  );
}
