import { useMemo, useState, type FormEvent } from "react";
import { ApiError, errorMessage } from "../api/client";
import { FormError, FormField } from "../ui/FormField";
import { pathErrors, type PathError, type PathErrors } from "../ui/formErrors";
import { Backtest } from "./Backtest";
import { useRule, useRuleValidation, useUpdateRule, type RuleOut } from "./queries";
import {
  ACTION_LABELS,
  ACTION_TYPES,
  RULE_FIELDS,
  WEEKDAYS,
  formFromRule,
  ruleFromForm,
  type ActionType,
  type RuleField,
  type RuleFormValues,
} from "./ruleForm";
import { savedRuleSentence } from "./savedRuleSentence";
import { VersionHistory } from "./VersionHistory";
import { TextsInput } from "../ui/TextsInput";

const TEXT_VARIABLES = ["{{event.props.name}}", "{{facts.x}}", "{{session.cart_value}}"];
const STRUCTURE_FIELDS: RuleField[] = ["trigger", "absence", "facts"];
const ADVANCED_FIELDS: RuleField[] = ["condition", ...STRUCTURE_FIELDS];

const NONE: PathErrors<RuleField> = { fields: {}, unplaced: [] };

/** The server's field errors of a 422 (validate or save); anything else is for the form as a whole. */
function placed(error: unknown): { errors: PathErrors<RuleField>; form: string | null } {
  if (!error) return { errors: NONE, form: null };
  if (error instanceof ApiError && error.status === 422 && error.errors.length > 0) {
    return { errors: pathErrors(error.errors, RULE_FIELDS, ["data"]), form: null };
  }
  return { errors: NONE, form: errorMessage(error) };
}

function joined(errors: readonly PathError[]): string | null {
  return errors.length > 0 ? errors.map((e) => (e.path ? `${e.path}: ${e.msg}` : e.msg)).join("; ") : null;
}

function ValidationStatus({ checking, valid, problems, jsonError }: { checking: boolean; valid: boolean; problems: number; jsonError: boolean }) {
  let text: string;
  let tone: string;
  if (jsonError) [text, tone] = ["Fix the JSON to check the rule", "warn"];
  else if (checking) [text, tone] = ["Checking…", "muted"];
  else if (problems > 0) [text, tone] = [problems === 1 ? "1 problem" : `${problems} problems`, "danger"];
  else if (valid) [text, tone] = ["Valid", "ok"];
  else [text, tone] = ["", "muted"];
  return (
    <span className={`check-status check-status--${tone}`} data-testid="rule-check-status" aria-live="polite">
      {text}
    </span>
  );
}

function EditorForm({
  rule,
  canEdit,
  saved,
  setSaved,
}: {
  rule: RuleOut;
  canEdit: boolean;
  saved: string | null;
  setSaved(message: string | null): void;
}) {
  const initial = useMemo(() => formFromRule(rule.data), [rule.data]);
  const [values, setValues] = useState<RuleFormValues>(initial);
  const [note, setNote] = useState("");
  const [advancedOpen, setAdvancedOpen] = useState(false);
  const built = useMemo(() => ruleFromForm(values), [values]);
  const dirty = useMemo(() => JSON.stringify(built.data) !== JSON.stringify(ruleFromForm(initial).data), [built, initial]);
  const validation = useRuleValidation(built.data);
  // The same live sentence as the new-rule form, following every edit.
  const sentence = built.data ? savedRuleSentence(built.data) : "Fix the JSON under Advanced to read the rule as a sentence.";
  const update = useUpdateRule(rule.key);

  // A failed save's errors until the next edit; otherwise the live check's.
  const shown = placed(update.isError ? update.error : validation.error);
  const fieldErrors = shown.errors.fields;
  const problems = Object.values(fieldErrors).reduce((n, list) => n + (list?.length ?? 0), 0) + shown.errors.unplaced.length;
  const formMessage =
    [shown.form, joined([...shown.errors.unplaced, ...(fieldErrors.action ?? []), ...(fieldErrors.guards ?? []), ...(fieldErrors.key ?? []), ...(fieldErrors.enabled ?? [])])]
      .filter(Boolean)
      .join("; ") || null;
  const structureErrors: PathError[] = [
    ...(built.jsonError ? [{ path: "json", msg: built.jsonError }] : []),
    ...STRUCTURE_FIELDS.flatMap((f) => fieldErrors[f] ?? []),
  ];
  const advancedHasErrors = built.jsonError !== null || ADVANCED_FIELDS.some((f) => (fieldErrors[f]?.length ?? 0) > 0);
  const advancedShown = advancedOpen || advancedHasErrors;

  function edit<K extends keyof RuleFormValues>(key: K, value: RuleFormValues[K]) {
    setValues((v) => ({ ...v, [key]: value }));
    setSaved(null);
    if (update.isError) update.reset();
  }

  function save(event: FormEvent) {
    event.preventDefault();
    if (!canEdit || !built.data || update.isPending) return;
    update.mutate(
      { data: built.data, note: note.trim() || null },
      {
        onSuccess(next) {
          setNote("");
          setSaved(`Saved as version ${next.version}.`);
        },
      },
    );
  }

  const errorsOf = (field: RuleField) => fieldErrors[field];
  const ro = !canEdit;

  return (
    <div className="rule-layout">
      <form className="card admin-form rule-form" onSubmit={save} noValidate aria-labelledby="rule-form-title">
        <header className="card__header">
          <h2 className="card__title" id="rule-form-title">Rule</h2>
          <span className="chip">v{rule.version}</span>
          {!rule.enabled && <span className="chip chip--muted">Disabled</span>}
          <span className="card__spacer" />
          <ValidationStatus checking={validation.checking} valid={validation.valid} problems={problems} jsonError={built.jsonError !== null} />
        </header>
        <fieldset className="card__body admin-form__body rule-form__body" disabled={ro}>
          {ro && <p className="form-note">You can look at rules; admins and supervisors change them.</p>}
          <p className="rule-preview__summary" data-testid="rule-sentence" aria-live="polite">
            {sentence}
          </p>
          <div className="admin-form__row admin-form__row--wide">
            <FormField field="name" label="Name" required error={errorsOf("name")} errorTestId="rule-field-error">
              {(control) => <input {...control} data-testid="rule-name" value={values.name} onChange={(e) => edit("name", e.target.value)} />}
            </FormField>
            <label className="checkbox-field checkbox-field--aligned">
              <input type="checkbox" data-testid="rule-form-enabled" checked={values.enabled} onChange={(e) => edit("enabled", e.target.checked)} />
              <span>Enabled</span>
            </label>
          </div>

          <h3 className="form-section">Offer</h3>
          <div className="admin-form__row">
            <FormField field="action.type" label="Action" error={errorsOf("action.type")} errorTestId="rule-field-error">
              {(control) => (
                <select {...control} data-testid="rule-action-type" value={values.actionType} onChange={(e) => edit("actionType", e.target.value as ActionType)}>
                  {ACTION_TYPES.map((type) => (
                    <option key={type} value={type}>
                      {ACTION_LABELS[type]}
                    </option>
                  ))}
                </select>
              )}
            </FormField>
            <FormField field="action.queue" label="Queue" error={errorsOf("action.queue")} errorTestId="rule-field-error" hint="Optional, e.g. sales.">
              {(control) => <input {...control} data-testid="rule-action-queue" value={values.queue} onChange={(e) => edit("queue", e.target.value)} />}
            </FormField>
          </div>
          <FormField
            field="action.text"
            label="Text"
            error={errorsOf("action.text")}
            errorTestId="rule-field-error"
            hint={
              <>
                What the visitor reads. Variables: {TEXT_VARIABLES.map((v, i) => (
                  <span key={v}>
                    {i > 0 && ", "}
                    <code>{v}</code>
                  </span>
                ))}
                .
              </>
            }
          >
            {(control) => (
              <TextsInput
                control={control}
                testId="rule-action-text"
                maxLength={2000}
                value={values.text}
                onChange={(text) => edit("text", text)}
                defaultLanguage={values.language}
                onDefaultLanguage={(language) => edit("language", language)}
              />
            )}
          </FormField>

          <h3 className="form-section">Guards</h3>
          <div className="guard-grid">
            <FormField field="guards.max_per_session" label="Max per session" error={errorsOf("guards.max_per_session")} errorTestId="rule-field-error" hint="Empty: no limit.">
              {(control) => <input {...control} data-testid="rule-max-session" inputMode="numeric" value={values.maxPerSession} onChange={(e) => edit("maxPerSession", e.target.value)} />}
            </FormField>
            <FormField field="guards.max_per_visitor_per_day" label="Max per visitor per day" error={errorsOf("guards.max_per_visitor_per_day")} errorTestId="rule-field-error" hint="Empty: no limit.">
              {(control) => <input {...control} data-testid="rule-max-day" inputMode="numeric" value={values.maxPerVisitorPerDay} onChange={(e) => edit("maxPerVisitorPerDay", e.target.value)} />}
            </FormField>
            <FormField field="guards.quiet_after_decline_seconds" label="Quiet after a decline (min)" error={errorsOf("guards.quiet_after_decline_seconds")} errorTestId="rule-field-error" hint="No offer at all for this long.">
              {(control) => <input {...control} data-testid="rule-quiet" inputMode="decimal" value={values.quietAfterDeclineMinutes} onChange={(e) => edit("quietAfterDeclineMinutes", e.target.value)} />}
            </FormField>
            <FormField field="guards.min_seconds_between_offers" label="Min minutes between offers" error={errorsOf("guards.min_seconds_between_offers")} errorTestId="rule-field-error" hint="Empty: no minimum.">
              {(control) => <input {...control} data-testid="rule-between" inputMode="decimal" value={values.minMinutesBetweenOffers} onChange={(e) => edit("minMinutesBetweenOffers", e.target.value)} />}
            </FormField>
            <FormField field="guards.control_share" label="Control group (%)" error={errorsOf("guards.control_share")} errorTestId="rule-field-error" hint="0–90 % of matches get no offer, to measure the effect.">
              {(control) => <input {...control} data-testid="rule-control" inputMode="decimal" value={values.controlSharePercent} onChange={(e) => edit("controlSharePercent", e.target.value)} />}
            </FormField>
          </div>
          <div className="business-hours">
            <label className="checkbox-field">
              <input type="checkbox" data-testid="rule-hours" checked={values.businessHours} onChange={(e) => edit("businessHours", e.target.checked)} />
              <span>Only during business hours</span>
            </label>
            {values.businessHours && (
              <div className="business-hours__body">
                <FormField field="guards.business_hours" label="Time zone" error={errorsOf("guards.business_hours")} errorTestId="rule-field-error">
                  {(control) => <input {...control} data-testid="rule-hours-tz" value={values.timezone} onChange={(e) => edit("timezone", e.target.value)} />}
                </FormField>
                <div className="field">
                  <span className="field__label">Days</span>
                  <div className="day-toggles" role="group" aria-label="Days">
                    {WEEKDAYS.map((label, day) => (
                      <label key={label} className={`day-toggle${values.days.includes(day) ? " day-toggle--on" : ""}`}>
                        <input
                          type="checkbox"
                          checked={values.days.includes(day)}
                          onChange={(e) => edit("days", e.target.checked ? [...values.days, day] : values.days.filter((d) => d !== day))}
                        />
                        {label}
                      </label>
                    ))}
                  </div>
                </div>
                <div className="admin-form__row">
                  <FormField field="guards.business_hours.start" label="From" error={undefined}>
                    {(control) => <input {...control} type="time" value={values.start} onChange={(e) => edit("start", e.target.value)} />}
                  </FormField>
                  <FormField field="guards.business_hours.end" label="To" error={undefined}>
                    {(control) => <input {...control} type="time" value={values.end} onChange={(e) => edit("end", e.target.value)} />}
                  </FormField>
                </div>
              </div>
            )}
          </div>

          <details className="advanced" open={advancedShown} onToggle={(e) => setAdvancedOpen((e.target as HTMLDetailsElement).open)}>
            <summary className="advanced__summary" data-testid="rule-advanced">
              Advanced: condition, trigger and facts
              {advancedHasErrors && <span className="chip chip--danger">errors</span>}
            </summary>
            <div className="advanced__body">
              <FormField
                field="condition"
                label="Condition (CEL)"
                error={errorsOf("condition")}
                errorTestId="rule-field-error"
                hint={
                  <>
                    Empty: always. Names: <code>event</code>, <code>facts</code>, <code>session</code>, <code>visitor</code>; e.g.{" "}
                    <code>facts.removed_value &gt;= 1000.0</code>.
                  </>
                }
              >
                {(control) => (
                  <textarea
                    {...control}
                    className="code-input"
                    data-testid="rule-condition"
                    rows={2}
                    spellCheck={false}
                    value={values.condition}
                    onChange={(e) => edit("condition", e.target.value)}
                  />
                )}
              </FormField>
              <FormField
                field="structure"
                label="Trigger, absence and facts (JSON)"
                error={structureErrors}
                errorTestId="rule-field-error"
                hint={
                  <>
                    Exactly one of <code>trigger</code> and <code>absence</code>; <code>facts</code> are what the condition reads.
                  </>
                }
              >
                {(control) => (
                  <textarea
                    {...control}
                    className="code-input"
                    data-testid="rule-json"
                    rows={12}
                    spellCheck={false}
                    value={values.structure}
                    onChange={(e) => edit("structure", e.target.value)}
                  />
                )}
              </FormField>
            </div>
          </details>

          <FormError message={formMessage} />
          {saved && (
            <p className="form-success" role="status" data-testid="rule-saved">
              {saved}
            </p>
          )}
          {canEdit && (
            <div className="rule-form__footer">
              <input
                className="rule-form__note"
                data-testid="rule-note"
                placeholder="What changed, and why (optional)"
                aria-label="Change note"
                maxLength={500}
                value={note}
                onChange={(e) => setNote(e.target.value)}
              />
              <button type="button" className="button" disabled={!dirty || update.isPending} onClick={() => setValues(initial)}>
                Revert
              </button>
              <button type="submit" className="button button--primary" data-testid="rule-save" disabled={!dirty || !built.data || update.isPending}>
                {update.isPending ? "Saving…" : "Save"}
              </button>
            </div>
          )}
        </fieldset>
      </form>
      <div className="rules-stack">
        <Backtest data={built.data} reason={built.jsonError ? "Fix the JSON first" : null} />
        <VersionHistory ruleKey={rule.key} />
      </div>
    </div>
  );
}

/** One rule: its form (with live checks), a back-test of the form, and its history. */
export function RuleEditor({ ruleKey, canEdit }: { ruleKey: string; canEdit: boolean }) {
  const rule = useRule(ruleKey);
  // Kept here: saving makes a new version, which starts a fresh form.
  const [saved, setSaved] = useState<string | null>(null);
  if (rule.isPending) return <p className="empty">Loading the rule…</p>;
  if (rule.isError) {
    return (
      <div className="empty empty--error" role="alert">
        <p>{errorMessage(rule.error)}</p>
        <button type="button" className="button" onClick={() => void rule.refetch()}>
          Try again
        </button>
      </div>
    );
  }
  // A new version (saved here, or toggled elsewhere) starts the form afresh from it.
  return <EditorForm key={rule.data.version} rule={rule.data} canEdit={canEdit} saved={saved} setSaved={setSaved} />;
}
