import { useMemo, useState, type FormEvent } from "react";
import { ApiError, errorMessage } from "../api/client";
import { FormError, FormField } from "../ui/FormField";
import { pathErrors, type PathErrors } from "../ui/formErrors";
import { ParamInput } from "./ParamInput";
import { useBuildFromTemplate, useCreateRule, useRuleTemplates, type RuleData, type TemplateOut } from "./queries";
import { RulePreview } from "./RulePreview";
import { openRules } from "./route";
import { initialValues, paramFields, paramsFromValues, type ParamValues } from "./schemaForm";

type Errors = PathErrors<string> & { form: string | null };
const NO_ERRORS: Errors = { fields: {}, unplaced: [], form: null };

function errorsOf(error: unknown, fieldNames: readonly string[]): Errors {
  if (error instanceof ApiError && error.status === 422 && error.errors.length > 0) {
    const placed = pathErrors(error.errors, fieldNames);
    const form = placed.unplaced.map((e) => (e.path ? `${e.path}: ${e.msg}` : e.msg)).join("; ") || null;
    return { ...placed, form };
  }
  return { ...NO_ERRORS, form: errorMessage(error) };
}

function TemplateForm({ template }: { template: TemplateOut }) {
  const fields = useMemo(() => paramFields(template.params_schema), [template]);
  const fieldNames = useMemo(() => fields.map((f) => `params.${f.name}`), [fields]);
  const [values, setValues] = useState<ParamValues>(() => initialValues(fields));
  const [errors, setErrors] = useState<Errors>(NO_ERRORS);
  const [preview, setPreview] = useState<{ data: RuleData; stale: boolean } | null>(null);
  const build = useBuildFromTemplate();
  const create = useCreateRule();
  const busy = build.isPending || create.isPending;

  function edit(name: string, value: ParamValues[string]) {
    setValues((v) => ({ ...v, [name]: value }));
    setErrors((e) => ({ ...e, fields: { ...e.fields, [`params.${name}`]: undefined }, form: null }));
    setPreview((p) => (p ? { ...p, stale: true } : p));
  }

  async function built(): Promise<RuleData | null> {
    setErrors(NO_ERRORS);
    try {
      const rule = await build.mutateAsync({ template: template.key, params: paramsFromValues(fields, values) });
      setPreview({ data: rule.data, stale: false });
      return rule.data;
    } catch (error) {
      setErrors(errorsOf(error, fieldNames));
      return null;
    }
  }

  async function save(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    const data = await built();
    if (!data) return;
    try {
      const rule = await create.mutateAsync(data);
      openRules({ view: "rule", key: rule.key });
    } catch (error) {
      setErrors(errorsOf(error, fieldNames));
    }
  }

  return (
    <div className="rules-grid">
      <form className="card admin-form" onSubmit={(e) => void save(e)} noValidate aria-labelledby="template-form-title">
        <header className="card__header">
          <h2 className="card__title" id="template-form-title">{template.title}</h2>
        </header>
        <div className="card__body admin-form__body">
          <div className="param-grid">
            {fields.map((field) => (
              <ParamInput
                key={field.name}
                field={field}
                value={values[field.name]}
                error={errors.fields[`params.${field.name}`]}
                onChange={(value) => edit(field.name, value)}
              />
            ))}
          </div>
          <FormError message={errors.form} />
          <div className="form-actions">
            <button type="button" className="button" data-testid="template-build" disabled={busy} onClick={() => void built()}>
              {build.isPending && !create.isPending ? "Building…" : "Preview"}
            </button>
            <button type="submit" className="button button--primary" data-testid="rule-save" disabled={busy}>
              {create.isPending ? "Saving…" : "Save rule"}
            </button>
          </div>
        </div>
      </form>
      <section className="card" aria-labelledby="preview-title">
        <header className="card__header">
          <h2 className="card__title" id="preview-title">Preview</h2>
          {preview?.stale && <span className="chip chip--warn">Parameters changed</span>}
        </header>
        <div className="card__body">
          {preview ? (
            <RulePreview data={preview.data} />
          ) : (
            <p className="empty empty--compact">Fill in the parameters and press Preview to see the rule this template makes.</p>
          )}
        </div>
      </section>
    </div>
  );
}

/** A new rule from a template: pick one, fill in its parameters, preview, save. */
export function NewRule() {
  const templates = useRuleTemplates();
  const [chosen, setChosen] = useState<string>("");
  const list = templates.data ?? [];
  const template = list.find((t) => t.key === chosen) ?? list[0];

  if (templates.isPending) return <p className="empty">Loading templates…</p>;
  if (templates.isError || !template) {
    return (
      <div className="empty empty--error" role="alert">
        <p>{templates.isError ? errorMessage(templates.error) : "No templates."}</p>
      </div>
    );
  }
  return (
    <div className="rules-stack">
      <div className="card template-picker">
        <div className="card__body">
          <FormField field="template" label="Template" error={undefined} hint={template.description}>
            {(control) => (
              <select {...control} data-testid="template-select" value={template.key} onChange={(e) => setChosen(e.target.value)}>
                {list.map((t) => (
                  <option key={t.key} value={t.key}>
                    {t.title}
                  </option>
                ))}
              </select>
            )}
          </FormField>
        </div>
      </div>
      {/* A new template starts a fresh form (its own fields and defaults). */}
      <TemplateForm key={template.key} template={template} />
    </div>
  );
}
