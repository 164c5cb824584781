import { FormField } from "../ui/FormField";
import type { StepDraft } from "./queueForm";

const MAX_STEPS = 10;

/**
 * The queue's steps, tried in order: each a CEL target over the agents'
 * skills and attributes and how long to try it before widening to the next.
 */
export function StepsEditor({
  steps,
  errors,
  onChange,
}: {
  steps: readonly StepDraft[];
  /** Messages by slot: "steps", "steps.1.target", "steps.1.timeout_seconds". */
  errors: Record<string, string>;
  /** `slot`: the one input that changed (its error goes); none: the list changed shape. */
  onChange(steps: StepDraft[], slot?: string): void;
}) {
  function edit(index: number, patch: Partial<StepDraft>, slot: string) {
    onChange(
      steps.map((s, i) => (i === index ? { ...s, ...patch } : s)),
      slot,
    );
  }
  return (
    <fieldset className="steps" data-testid="queue-steps">
      <legend className="field__label">Steps</legend>
      <p className="field__hint">
        Tried in order. A target is a CEL expression over <code>skills</code> and <code>attributes</code>, e.g.{" "}
        <code>has(skills.fridges) &amp;&amp; skills.fridges &gt;= 3</code>; empty means any agent.
      </p>
      {errors.steps && (
        <p className="field__error" data-testid="field-error" data-field="steps">
          {errors.steps}
        </p>
      )}
      <ol className="steps__list">
        {steps.map((step, i) => (
          <li key={i} className="steps__item" data-testid="queue-step">
            <span className="steps__number" aria-hidden="true">
              {i + 1}
            </span>
            <FormField field={`steps.${i}.target`} label={`Step ${i + 1} target`} error={errors[`steps.${i}.target`]} className="steps__target">
              {(control) => (
                <input
                  {...control}
                  className="steps__code"
                  data-testid={`step-target-${i}`}
                  spellCheck={false}
                  autoComplete="off"
                  placeholder="any agent"
                  value={step.target}
                  onChange={(e) => edit(i, { target: e.target.value }, `steps.${i}.target`)}
                />
              )}
            </FormField>
            <FormField
              field={`steps.${i}.timeout_seconds`}
              label={i === steps.length - 1 ? "Timeout (s)" : "Then widen after (s)"}
              error={errors[`steps.${i}.timeout_seconds`]}
              className="steps__timeout"
            >
              {(control) => (
                <input
                  {...control}
                  data-testid={`step-timeout-${i}`}
                  type="number"
                  min={1}
                  inputMode="numeric"
                  placeholder="none"
                  value={step.timeout}
                  onChange={(e) => edit(i, { timeout: e.target.value }, `steps.${i}.timeout_seconds`)}
                />
              )}
            </FormField>
            <button
              type="button"
              className="button button--ghost button--small steps__remove"
              data-testid={`step-remove-${i}`}
              aria-label={`Remove step ${i + 1}`}
              disabled={steps.length === 1}
              onClick={() => onChange(steps.filter((_, j) => j !== i))}
            >
              Remove
            </button>
          </li>
        ))}
      </ol>
      <button
        type="button"
        className="button button--small"
        data-testid="step-add"
        disabled={steps.length >= MAX_STEPS}
        onClick={() => onChange([...steps, { target: "", timeout: "" }])}
      >
        Add step
      </button>
    </fieldset>
  );
}
