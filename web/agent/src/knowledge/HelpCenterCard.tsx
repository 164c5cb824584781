import { useEffect, useState, type FormEvent } from "react";
import { useSiteKeys } from "../admin/queries";
import { NO_ERRORS, formErrors, type FormErrors } from "../ui/formErrors";
import { FormError, FormField } from "../ui/FormField";
import { LANGUAGES, useHelpCenter, useSaveHelpCenter } from "./queries";

const FIELDS = ["slug", "title", "default_language", "site_key_id"] as const;
type Field = (typeof FIELDS)[number];

/** The help center's address, title, first language and the site key its tracker uses. */
export function HelpCenterCard() {
  const center = useHelpCenter();
  const sites = useSiteKeys();
  const save = useSaveHelpCenter();
  const [draft, setDraft] = useState({ slug: "", title: "Help center", default_language: "cs" as (typeof LANGUAGES)[number], site_key_id: "" });
  const [errors, setErrors] = useState<FormErrors<Field>>(NO_ERRORS);
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (center.data) {
      const d = center.data;
      setDraft({ slug: d.slug ?? "", title: d.title, default_language: d.default_language as (typeof LANGUAGES)[number], site_key_id: d.site_key_id ?? "" });
    }
  }, [center.data]);

  function submit(event: FormEvent) {
    event.preventDefault();
    save.mutate(
      { slug: draft.slug || null, title: draft.title, default_language: draft.default_language, site_key_id: draft.site_key_id || null },
      { onSuccess: () => setSaved(true), onError: (e) => setErrors(formErrors(e, FIELDS)) },
    );
  }

  return (
    <form className="card admin-form" onSubmit={submit} noValidate aria-labelledby="help-center-title" data-testid="help-center-form">
      <header className="card__header">
        <h2 className="card__title" id="help-center-title">Public help center</h2>
        {center.data && (
          <a href={center.data.url} target="_blank" rel="noreferrer" data-testid="help-center-link">
            {center.data.url}
          </a>
        )}
      </header>
      <div className="card__body admin-form__body">
        <div className="admin-form__row">
          <FormField field="slug" label="Address" hint="/help/<address>; empty: the workspace's id" error={errors.fields.slug} idPrefix="hc">
            {(control) => <input {...control} value={draft.slug} onChange={(e) => { setDraft({ ...draft, slug: e.target.value }); setSaved(false); }} />}
          </FormField>
          <FormField field="title" label="Title" error={errors.fields.title} idPrefix="hc">
            {(control) => <input {...control} value={draft.title} onChange={(e) => { setDraft({ ...draft, title: e.target.value }); setSaved(false); }} />}
          </FormField>
        </div>
        <div className="admin-form__row">
          <FormField field="default_language" label="First language" error={errors.fields.default_language} idPrefix="hc">
            {(control) => (
              <select {...control} className="select" value={draft.default_language} onChange={(e) => setDraft({ ...draft, default_language: e.target.value as (typeof LANGUAGES)[number] })}>
                {LANGUAGES.map((l) => (
                  <option key={l} value={l}>{l.toUpperCase()}</option>
                ))}
              </select>
            )}
          </FormField>
          <FormField
            field="site_key_id"
            label="Tracker"
            hint="The site key the pages track with; add this server's origin to its allowed origins."
            error={errors.fields.site_key_id}
            idPrefix="hc"
          >
            {(control) => (
              <select {...control} className="select" value={draft.site_key_id} onChange={(e) => setDraft({ ...draft, site_key_id: e.target.value })}>
                <option value="">No tracker</option>
                {(sites.data ?? []).map((s) => (
                  <option key={s.id} value={s.id}>{s.name}</option>
                ))}
              </select>
            )}
          </FormField>
        </div>
        <FormError message={errors.form} />
        <div>
          <button type="submit" className="button button--primary" disabled={save.isPending}>
            {save.isPending ? "Saving…" : "Save"}
          </button>
          {saved && <span className="table__muted"> Saved.</span>}
        </div>
      </div>
    </form>
  );
}
