import { useRef, useState, type FormEvent } from "react";
import { errorMessage } from "../api/client";
import { NO_ERRORS, formErrors, type FormErrors } from "../ui/formErrors";
import { FormError, FormField } from "../ui/FormField";
import { ListState } from "../ui/ListState";
import { formatDateTime } from "../ui/dateTime";
import { parseOrigins } from "./origins";
import { CopyButton, selectContents } from "./parts";
import { useCreateSiteKey, useDeleteSiteKey, useSiteKeys, type SiteKeyOut } from "./queries";
import { embedSnippet } from "./snippet";

const SITE_FIELDS = [
  "name",
  "allowed_origins",
  "widget_settings.title",
  "widget_settings.greeting",
  "widget_settings.color",
  "widget_settings",
] as const;
type SiteField = (typeof SITE_FIELDS)[number];

const DEFAULT_WIDGET = { title: "Chat with us", greeting: "Hi! How can we help?", color: "#4f46e5" };

function setting(siteKey: SiteKeyOut, name: keyof typeof DEFAULT_WIDGET): string {
  const value = siteKey.widget_settings[name];
  return typeof value === "string" ? value : DEFAULT_WIDGET[name];
}

function SiteRow({ siteKey, serverOrigin }: { siteKey: SiteKeyOut; serverOrigin: string }) {
  const remove = useDeleteSiteKey();
  const snippetRef = useRef<HTMLPreElement>(null);
  const snippet = embedSnippet(serverOrigin, siteKey.key);

  function confirmDelete() {
    const question = `Delete the site key "${siteKey.name}"? The chat disappears from every page that uses ${siteKey.key}.`;
    if (window.confirm(question)) remove.mutate(siteKey.id);
  }

  return (
    <article className="site" data-testid="site-row" data-key={siteKey.key} aria-label={siteKey.name}>
      <header className="site__header">
        <span className="site__swatch" style={{ backgroundColor: setting(siteKey, "color") }} aria-hidden="true" />
        <div className="site__who">
          <h3 className="site__name">{siteKey.name}</h3>
          <code className="site__key">{siteKey.key}</code>
        </div>
        <button
          type="button"
          className="button button--small button--danger"
          data-testid="site-delete"
          disabled={remove.isPending}
          onClick={confirmDelete}
        >
          {remove.isPending ? "Deleting…" : "Delete"}
        </button>
      </header>
      {remove.isError && (
        <p className="form-error" role="alert">
          Could not delete: {errorMessage(remove.error)}
        </p>
      )}
      <dl className="site__meta">
        <dt>Allowed origins</dt>
        <dd className="site__origins">
          {siteKey.allowed_origins.map((origin) => (
            <span key={origin} className="chip chip--mono">
              {origin}
            </span>
          ))}
        </dd>
        <dt>Widget</dt>
        <dd>
          <strong>{setting(siteKey, "title")}</strong>
          <span className="site__greeting"> · “{setting(siteKey, "greeting")}”</span>
        </dd>
        <dt>Created</dt>
        <dd>
          <time dateTime={siteKey.created_at}>{formatDateTime(siteKey.created_at)}</time>
        </dd>
      </dl>
      <div className="snippet">
        <div className="snippet__bar">
          <span>Paste into every page, before &lt;/body&gt;</span>
          <CopyButton text={snippet} label="Copy snippet" select={() => selectContents(snippetRef.current)} />
        </div>
        <pre className="snippet__code" data-testid="site-snippet" ref={snippetRef}>
          {snippet}
        </pre>
      </div>
    </article>
  );
}

const EMPTY_FORM = { name: "", origins: "", requireConsent: false, ...DEFAULT_WIDGET };

function AddSiteForm() {
  const create = useCreateSiteKey();
  const [form, setForm] = useState(EMPTY_FORM);
  const [errors, setErrors] = useState<FormErrors<SiteField>>(NO_ERRORS);

  function edit(key: "name" | "origins" | "title" | "greeting" | "color", field: SiteField, value: string) {
    setForm((f) => ({ ...f, [key]: value }));
    setErrors((e) => ({ fields: { ...e.fields, [field]: undefined }, form: e.form }));
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (create.isPending) return;
    const origins = parseOrigins(form.origins);
    setErrors(NO_ERRORS);
    create.mutate(
      {
        name: form.name.trim(),
        allowed_origins: origins,
        widget_settings: {
          title: form.title.trim() || DEFAULT_WIDGET.title,
          greeting: form.greeting.trim() || DEFAULT_WIDGET.greeting,
          color: form.color,
          require_consent: form.requireConsent,
        },
      },
      {
        onSuccess() {
          setForm(EMPTY_FORM);
        },
        onError(error) {
          // The server names a bad origin by its position in the list we sent.
          setErrors(
            formErrors(error, SITE_FIELDS, {
              entryLabel: (field, i) => (field === "allowed_origins" && origins[i] ? origins[i] : `Entry ${i + 1}`),
            }),
          );
        },
      },
    );
  }

  return (
    <form className="card admin-form" onSubmit={submit} noValidate aria-labelledby="add-site-title">
      <header className="card__header">
        <h2 className="card__title" id="add-site-title">Add a website</h2>
      </header>
      <div className="card__body admin-form__body">
        <FormField field="name" label="Name" error={errors.fields.name} hint="For you, e.g. the site's address.">
          {(control) => (
            <input
              {...control}
              data-testid="site-form-name"
              autoComplete="off"
              value={form.name}
              onChange={(e) => edit("name", "name", e.target.value)}
            />
          )}
        </FormField>
        <FormField
          field="allowed_origins"
          label="Allowed origins"
          error={errors.fields.allowed_origins}
          hint={
            <>
              One per line, as <code>https://www.example.com</code>: scheme and host, no path. <code>www.</code> and the bare
              domain are different origins.
            </>
          }
        >
          {(control) => (
            <textarea
              {...control}
              data-testid="site-form-origins"
              rows={3}
              spellCheck={false}
              placeholder={"https://www.example.com\nhttps://example.com"}
              value={form.origins}
              onChange={(e) => edit("origins", "allowed_origins", e.target.value)}
            />
          )}
        </FormField>
        <FormField field="widget_settings.title" label="Widget title" error={errors.fields["widget_settings.title"]}>
          {(control) => (
            <input
              {...control}
              data-testid="site-form-title"
              maxLength={80}
              value={form.title}
              onChange={(e) => edit("title", "widget_settings.title", e.target.value)}
            />
          )}
        </FormField>
        <FormField field="widget_settings.greeting" label="Greeting" error={errors.fields["widget_settings.greeting"]}>
          {(control) => (
            <textarea
              {...control}
              data-testid="site-form-greeting"
              rows={2}
              maxLength={500}
              value={form.greeting}
              onChange={(e) => edit("greeting", "widget_settings.greeting", e.target.value)}
            />
          )}
        </FormField>
        <FormField field="widget_settings.color" label="Colour" error={errors.fields["widget_settings.color"]}>
          {(control) => (
            <span className="color-field">
              <input
                {...control}
                data-testid="site-form-color"
                type="color"
                value={form.color}
                onChange={(e) => edit("color", "widget_settings.color", e.target.value)}
              />
              <code>{form.color}</code>
            </span>
          )}
        </FormField>
        <label className="checkbox-field">
          <input
            type="checkbox"
            data-testid="site-form-consent"
            checked={form.requireConsent}
            onChange={(e) => setForm((f) => ({ ...f, requireConsent: e.target.checked }))}
          />
          <span>Track nothing until the site calls <code>hovor('consent', true)</code></span>
        </label>
        <FormError message={[errors.fields.widget_settings, errors.form].filter(Boolean).join("; ") || null} />
        <button type="submit" className="button button--primary" data-testid="site-form-submit" disabled={create.isPending}>
          {create.isPending ? "Creating…" : "Create site key"}
        </button>
      </div>
    </form>
  );
}

export function WebsitesTab() {
  const siteKeys = useSiteKeys();
  const list = siteKeys.data ?? [];
  const serverOrigin = window.location.origin;
  return (
    <div className="admin-grid">
      <section className="card" aria-labelledby="sites-title">
        <header className="card__header">
          <h2 className="card__title" id="sites-title">Websites</h2>
          {siteKeys.isSuccess && <span className="card__count">{list.length}</span>}
        </header>
        <ListState
          query={siteKeys}
          loading="Loading site keys…"
          empty="No websites yet. Add one to get its chat snippet."
          isEmpty={list.length === 0}
        />
        {list.length > 0 && (
          <div className="site-list">
            {list.map((siteKey) => (
              <SiteRow key={siteKey.id} siteKey={siteKey} serverOrigin={serverOrigin} />
            ))}
          </div>
        )}
      </section>
      <AddSiteForm />
    </div>
  );
}
