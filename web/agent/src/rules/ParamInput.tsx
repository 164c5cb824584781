import type { PathError } from "../ui/formErrors";
import { t } from "../i18n/i18n";
import { FormField } from "../ui/FormField";
import { TextsInput } from "../ui/TextsInput";
import { boundsHint, secondsToMinutes, type ParamField, type ParamValue } from "./schemaForm";

/** One template parameter, rendered from its schema descriptor (test id param-<name>). */
export function ParamInput({
  field,
  value,
  error,
  onChange,
}: {
  field: ParamField;
  value: ParamValue | undefined;
  error: readonly PathError[] | undefined;
  onChange(value: ParamValue): void;
}) {
  const testId = `param-${field.name}`;
  const bound = (n: number | undefined) => (n !== undefined && field.minutes ? secondsToMinutes(n) : n);
  if (field.kind === "boolean") {
    return (
      <div className="checkbox-param">
        <label className="checkbox-field">
          <input
            type="checkbox"
            data-testid={testId}
            checked={value === true}
            aria-describedby={field.description ? `${testId}-hint` : undefined}
            onChange={(e) => onChange(e.target.checked)}
          />
          <span>{field.title}</span>
        </label>
        {/* What the option means, as the server's template schema says it. */}
        {field.description && (
          <p className="field__hint" id={`${testId}-hint`}>
            {field.description}
          </p>
        )}
      </div>
    );
  }
  if (field.kind === "texts") {
    return (
      <FormField
        field={`params.${field.name}`}
        label={field.title}
        required={field.required}
        error={error}
        errorTestId="rule-field-error"
        hint={field.description}
        className="field--wide"
      >
        {(control) => (
          <TextsInput
            control={control}
            testId={testId}
            maxLength={field.maxLength}
            value={typeof value === "object" ? value : typeof value === "string" ? value : ""}
            placeholder={field.nullable && !field.required ? t("texts.templateText") : undefined}
            onChange={onChange}
          />
        )}
      </FormField>
    );
  }
  const text = typeof value === "string" ? value : "";
  const hints = [field.description, boundsHint(field), field.nullable && !field.required ? "optional" : null].filter(Boolean);
  return (
    <FormField
      field={`params.${field.name}`}
      label={field.title}
      required={field.required}
      error={error}
      errorTestId="rule-field-error"
      hint={hints.length > 0 ? hints.join(" · ") : undefined}
      className={(field.maxLength ?? 0) > 200 ? "field--wide" : undefined}
    >
      {(control) =>
        field.kind === "enum" ? (
          <select {...control} data-testid={testId} value={text} onChange={(e) => onChange(e.target.value)}>
            {field.nullable && <option value="">—</option>}
            {field.options.map((option) => (
              <option key={option} value={option}>
                {option}
              </option>
            ))}
          </select>
        ) : field.kind === "number" || field.kind === "integer" ? (
          <input
            {...control}
            data-testid={testId}
            type="number"
            inputMode={field.kind === "integer" ? "numeric" : "decimal"}
            step={field.kind === "integer" && !field.minutes ? 1 : "any"}
            min={bound(field.minimum ?? field.exclusiveMinimum)}
            max={bound(field.maximum ?? field.exclusiveMaximum)}
            required={field.required}
            value={text}
            placeholder={field.nullable ? "none" : undefined}
            onChange={(e) => onChange(e.target.value)}
          />
        ) : (field.maxLength ?? 0) > 200 ? (
          <textarea
            {...control}
            data-testid={testId}
            rows={2}
            maxLength={field.maxLength}
            value={text}
            placeholder={field.nullable && !field.required ? "the template's text" : undefined}
            onChange={(e) => onChange(e.target.value)}
          />
        ) : (
          <input
            {...control}
            data-testid={testId}
            type="text"
            autoComplete="off"
            spellCheck={false}
            maxLength={field.maxLength}
            required={field.required}
            value={text}
            placeholder={field.nullable && !field.required ? "the template's default" : undefined}
            onChange={(e) => onChange(e.target.value)}
          />
        )
      }
    </FormField>
  );
}
