/** The site-key form: "Add a website" and a site's "Edit" are the same fields. */
import { useState, type FormEvent, type ReactNode } from "react";
import { NO_ERRORS, type FormErrors } from "../ui/formErrors";
import { FormError, FormField } from "../ui/FormField";
import { siteFormErrors, siteKeyBody, type SiteField, type SiteFormValues } from "./siteForm";
import type { SiteKeyIn } from "./queries";
import { TextsInput } from "../ui/TextsInput";
import type { Texts } from "../ui/texts";

type TextKey = "name" | "origins" | "title" | "color";

export function SiteForm({
  initial,
  save,
  pending,
  testId,
  idPrefix,
  submitLabel,
  pendingLabel,
  resetOnSave = false,
  onCancel,
  className,
  labelledBy,
  label,
  children,
}: {
  initial: SiteFormValues;
  /** Sends the body; rejects with the server's error. */
  save: (body: SiteKeyIn) => Promise<unknown>;
  pending: boolean;
  /** Prefix of the controls' test ids: "site-form" (add) or "site-edit" (edit). */
  testId: string;
  /** Prefix of the controls' element ids, unique on the page. */
  idPrefix: string;
  submitLabel: string;
  pendingLabel: string;
  resetOnSave?: boolean;
  onCancel?: () => void;
  className: string;
  /** The form's accessible name: the id of its title, or a label. */
  labelledBy?: string;
  label?: string;
  /** Drawn above the fields (the add form's title). */
  children?: ReactNode;
}) {
  const [form, setForm] = useState(initial);
  const [errors, setErrors] = useState<FormErrors<SiteField>>(NO_ERRORS);

  function edit(key: TextKey | "greeting", field: SiteField, value: string | Texts) {
    setForm((f) => ({ ...f, [key]: value }));
    setErrors((e) => ({ fields: { ...e.fields, [field]: undefined }, form: e.form }));
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (pending) return;
    const body = siteKeyBody(form);
    setErrors(NO_ERRORS);
    save(body).then(
      () => {
        if (resetOnSave) setForm(initial);
      },
      (error: unknown) => setErrors(siteFormErrors(error, body)),
    );
  }

  const submitButton = (
    <button type="submit" className="button button--primary" data-testid={`${testId}-submit`} disabled={pending}>
      {pending ? pendingLabel : submitLabel}
    </button>
  );

  return (
    <form className={className} onSubmit={submit} noValidate aria-labelledby={labelledBy} aria-label={label}>
      {children}
      <div className="card__body admin-form__body">
        <FormField
          idPrefix={idPrefix}
          field="name"
          label="Name"
          error={errors.fields.name}
          hint="For you, e.g. the site's address."
        >
          {(control) => (
            <input
              {...control}
              data-testid={`${testId}-name`}
              autoComplete="off"
              value={form.name}
              onChange={(e) => edit("name", "name", e.target.value)}
            />
          )}
        </FormField>
        <FormField
          idPrefix={idPrefix}
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
              data-testid={`${testId}-origins`}
              rows={3}
              spellCheck={false}
              placeholder={"https://www.example.com\nhttps://example.com"}
              value={form.origins}
              onChange={(e) => edit("origins", "allowed_origins", e.target.value)}
            />
          )}
        </FormField>
        <FormField
          idPrefix={idPrefix}
          field="widget_settings.title"
          label="Widget title"
          error={errors.fields["widget_settings.title"]}
        >
          {(control) => (
            <input
              {...control}
              data-testid={`${testId}-title`}
              maxLength={80}
              value={form.title}
              onChange={(e) => edit("title", "widget_settings.title", e.target.value)}
            />
          )}
        </FormField>
        <FormField
          idPrefix={idPrefix}
          field="widget_settings.greeting"
          label="Greeting"
          error={errors.fields["widget_settings.greeting"]}
        >
          {(control) => (
            <TextsInput
              control={control}
              testId={`${testId}-greeting`}
              maxLength={500}
              value={form.greeting}
              onChange={(greeting) => edit("greeting", "widget_settings.greeting", greeting)}
            />
          )}
        </FormField>
        <FormField
          idPrefix={idPrefix}
          field="widget_settings.color"
          label="Colour"
          error={errors.fields["widget_settings.color"]}
        >
          {(control) => (
            <span className="color-field">
              <input
                {...control}
                data-testid={`${testId}-color`}
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
            data-testid={`${testId}-consent`}
            checked={form.requireConsent}
            onChange={(e) => setForm((f) => ({ ...f, requireConsent: e.target.checked }))}
          />
          <span>
            Track nothing until the site calls <code>hovor('consent', true)</code>
          </span>
        </label>
        <FormError message={[errors.fields.widget_settings, errors.form].filter(Boolean).join("; ") || null} />
        {onCancel ? (
          <div className="form-actions">
            <button type="button" className="button" data-testid={`${testId}-cancel`} onClick={onCancel}>
              Cancel
            </button>
            {submitButton}
          </div>
        ) : (
          submitButton
        )}
      </div>
    </form>
  );
}
