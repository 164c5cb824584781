import { useMemo, useState, type FormEvent } from "react";
import { ApiError, errorMessage } from "../api/client";
import { FormError, FormField } from "../ui/FormField";
import { pathErrors, type PathError, type PathErrors } from "../ui/formErrors";
import { NewRulePreview, type Preview } from "./NewRulePreview";
import { ParamInput } from "./ParamInput";
import { useBacktest, useBuildFromTemplate, useCreateRule, useRuleTemplates, type TemplateOut } from "./queries";
import { openRules } from "./route";
import { keyFromName } from "./ruleKey";
import { ruleSentence } from "./ruleSentence";
import { initialValues, paramFields, paramsFromValues, shareFromPercent, type ParamValues } from "./schemaForm";

/** The parameters this form lays out itself; the rest come from the template's schema. */
const OWN_FIELDS = new Set(["key", "name", "control_share"]);
/** The shared parameters (template_base.py), in two groups; anything else describes the moment. */
const OFFER_FIELDS = new Set(["action", "queue", "text", "fallback", "fallback_text"]);
const GUARD_FIELDS = new Set(["max_per_session", "max_per_visitor_per_day", "quiet_after_decline_seconds", "min_seconds_between_offers"]);
type Group = "moment" | "offer" | "guards";

const GROUP_TITLES: Record<Group, string> = { moment: "The moment", offer: "The offer", guards: "Never nag" };

function groupOf(name: string): Group {
  return OFFER_FIELDS.has(name) ? "offer" : GUARD_FIELDS.has(name) ? "guards" : "moment";
}
const KEY = "params.key";
const NAME = "params.name";
const CONTROL = "params.control_share";
/** Enough to measure what a rule adds without holding back many offers. */
export const DEFAULT_CONTROL_PERCENT = "10";
export const PREVIEW_DAYS = 7;

type Errors = PathErrors<string> & { form: string | null };
const NO_ERRORS: Errors = { fields: {}, unplaced: [], form: null };

/**
 * A failed build or save, placed: the template's 422s under their parameters,
 * a taken key (409 from POST /v1/rules, or the rule's own 422 on `key`) under
 * the key; anything else for the form as a whole.
 */
function errorsOf(error: unknown, fieldNames: readonly string[]): Errors {
  if (error instanceof ApiError && error.status === 409) {
    return { fields: { [KEY]: [{ path: KEY, msg: errorMessage(error) }] }, unplaced: [], form: null };
  }
  if (error instanceof ApiError && error.status === 422 && error.errors.length > 0) {
    const placed = pathErrors(error.errors, [...fieldNames, "key"], ["data"]);
    const fields = { ...placed.fields };
    if (fields.key) [fields[KEY], fields.key] = [fields.key.map((e) => ({ ...e, path: KEY })), undefined];
    const form = placed.unplaced.map((e) => (e.path ? `${e.path}: ${e.msg}` : e.msg)).join("; ") || null;
    return { fields, unplaced: placed.unplaced, form };
  }
  return { ...NO_ERRORS, form: errorMessage(error) };
}

function TemplateForm({ template }: { template: TemplateOut }) {
  const all = useMemo(() => paramFields(template.params_schema), [template]);
  const fields = useMemo(() => all.filter((f) => !OWN_FIELDS.has(f.name)), [all]);
  const hasControl = all.some((f) => f.name === "control_share");
  const fieldNames = useMemo(() => [KEY, NAME, CONTROL, ...fields.map((f) => `params.${f.name}`)], [fields]);
  const [values, setValues] = useState<ParamValues>(() => initialValues(fields));
  const [name, setName] = useState("");
  // null: the key follows the name; typed under Advanced, it is the manager's.
  const [typedKey, setTypedKey] = useState<string | null>(null);
  const [controlPercent, setControlPercent] = useState(DEFAULT_CONTROL_PERCENT);
  const [advancedOpen, setAdvancedOpen] = useState(false);
  const [errors, setErrors] = useState<Errors>(NO_ERRORS);
  const [preview, setPreview] = useState<Preview | null>(null);
  const build = useBuildFromTemplate();
  const backtest = useBacktest();
  const create = useCreateRule();
  const busy = build.isPending || create.isPending;

  const key = typedKey ?? keyFromName(name.trim() || template.title);
  const params = useMemo(() => {
    const p: Record<string, unknown> = { ...paramsFromValues(fields, values), key };
    if (name.trim() !== "") p.name = name.trim();
    if (hasControl) p.control_share = shareFromPercent(controlPercent);
    return p;
  }, [fields, values, key, name, hasControl, controlPercent]);
  const paramsText = JSON.stringify(params);
  const fresh = preview !== null && preview.params === paramsText;
  const sentence = ruleSentence(template.key, params, { title: template.title });
  const keyErrors = errors.fields[KEY];
  const advancedShown = advancedOpen || (keyErrors?.length ?? 0) > 0;

  function clearError(field: string) {
    setErrors((e) => ({ ...e, fields: { ...e.fields, [field]: undefined }, form: null }));
  }

  function edit(name: string, value: ParamValues[string]) {
    setValues((v) => ({ ...v, [name]: value }));
    clearError(`params.${name}`);
  }

  /** The Preview step: the server builds the rule, then replays last week through it. */
  async function runPreview(): Promise<void> {
    if (busy) return;
    setErrors(NO_ERRORS);
    let data: Preview["data"];
    try {
      data = (await build.mutateAsync({ template: template.key, params })).data;
    } catch (error) {
      setErrors(errorsOf(error, fieldNames));
      setPreview(null);
      return;
    }
    const started: Preview = { data, params: paramsText, result: null, error: null };
    setPreview(started);
    const settle = (next: Partial<Preview>) => setPreview((p) => (p === started ? { ...p, ...next } : p));
    try {
      settle({ result: await backtest.mutateAsync({ data, days: PREVIEW_DAYS }) });
    } catch (error) {
      settle({ error: errorMessage(error) });
    }
  }

  async function save(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    if (!fresh || !preview) {
      await runPreview();
      return;
    }
    try {
      const rule = await create.mutateAsync(preview.data);
      openRules({ view: "rule", key: rule.key });
    } catch (error) {
      setErrors(errorsOf(error, fieldNames));
    }
  }

  const fieldError = (field: string): readonly PathError[] | undefined => errors.fields[field];
  const controlInput = (
    <FormField
      field={CONTROL}
      label="Control group (%)"
      error={fieldError(CONTROL)}
      errorTestId="rule-field-error"
      hint="Visitors who get no offer, so you can measure what the rule adds. 0 – 90."
    >
      {(control) => (
        <input
          {...control}
          data-testid="param-control"
          type="number"
          inputMode="decimal"
          min={0}
          max={90}
          step="any"
          value={controlPercent}
          onChange={(e) => {
            setControlPercent(e.target.value);
            clearError(CONTROL);
          }}
        />
      )}
    </FormField>
  );

  return (
    <div className="rules-grid">
      <form className="card admin-form" onSubmit={(e) => void save(e)} noValidate aria-labelledby="template-form-title">
        <header className="card__header">
          <h2 className="card__title" id="template-form-title">{template.title}</h2>
        </header>
        <div className="card__body admin-form__body">
          <p className="rule-preview__summary" data-testid="rule-sentence" aria-live="polite">
            {sentence}
          </p>
          <FormField field={NAME} label="Name" error={fieldError(NAME)} errorTestId="rule-field-error" hint="What managers see in the list of rules.">
            {(control) => (
              <input
                {...control}
                data-testid="param-name"
                maxLength={200}
                placeholder={template.title}
                value={name}
                onChange={(e) => {
                  setName(e.target.value);
                  clearError(NAME);
                  clearError(KEY);
                }}
              />
            )}
          </FormField>
          {(["moment", "offer", "guards"] as const).map((group) => {
            const inGroup = fields.filter((f) => groupOf(f.name) === group);
            if (inGroup.length === 0 && !(group === "guards" && hasControl)) return null;
            return (
              <div key={group} className="rules-stack">
                <h3 className="form-section">{GROUP_TITLES[group]}</h3>
                <div className="param-grid">
                  {inGroup.map((field) => (
                    <ParamInput key={field.name} field={field} value={values[field.name]} error={fieldError(`params.${field.name}`)} onChange={(value) => edit(field.name, value)} />
                  ))}
                  {group === "guards" && hasControl && controlInput}
                </div>
              </div>
            );
          })}
          <details className="advanced" open={advancedShown} onToggle={(e) => setAdvancedOpen((e.target as HTMLDetailsElement).open)}>
            <summary className="advanced__summary" data-testid="rule-advanced">
              Advanced: the rule's key
              {keyErrors && <span className="chip chip--danger">taken</span>}
            </summary>
            <div className="advanced__body">
              <FormField
                field={KEY}
                label="Key"
                error={keyErrors}
                errorTestId="rule-field-error"
                hint="Made from the name; used in the API, exports and reports. Lower-case letters, digits, - _ and ."
              >
                {(control) => (
                  <input
                    {...control}
                    data-testid="param-key"
                    autoComplete="off"
                    spellCheck={false}
                    maxLength={64}
                    value={key}
                    onChange={(e) => {
                      setTypedKey(e.target.value);
                      clearError(KEY);
                    }}
                  />
                )}
              </FormField>
            </div>
          </details>
          <FormError message={errors.form} />
          <div className="form-actions">
            <button type="button" className={`button${fresh ? "" : " button--primary"}`} data-testid="template-build" disabled={busy} onClick={() => void runPreview()}>
              {build.isPending ? "Building…" : "Preview"}
            </button>
            <button
              type="submit"
              className={`button${fresh ? " button--primary" : ""}`}
              data-testid="rule-save"
              disabled={busy || !fresh}
              title={fresh ? undefined : "Preview first: see how often it would have fired last week"}
            >
              {create.isPending ? "Saving…" : "Save rule"}
            </button>
          </div>
          {!fresh && <p className="field__hint">Preview first: see how often the rule would have fired last week, then save it.</p>}
        </div>
      </form>
      <NewRulePreview preview={preview} fresh={fresh} days={PREVIEW_DAYS} replaying={backtest.isPending} />
    </div>
  );
}

/** A new rule from a template: pick a moment, adjust it, preview last week, save. */
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
          <FormField field="template" label="Moment" error={undefined} hint={template.description}>
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
