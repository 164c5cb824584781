/**
 * Admin → Bot's flows, step by step: each flow's name and keywords, and its steps (say
 * and go on, ask and save the answer to a field, offer buttons leading to steps, hand
 * off). The server checks the whole; its errors come back on these controls by path
 * (flowDraft.ts, flowSlot).
 */
import { FormField } from "../ui/FormField";
import {
  HANDOFF,
  newFlow,
  newStep,
  removeStep,
  renameStep,
  type ButtonDraft,
  type Collect,
  type FlowDraft,
  type StepDraft,
  type StepKind,
} from "./flowDraft";

const KINDS: { value: StepKind; label: string }[] = [
  { value: "message", label: "Say, then go on" },
  { value: "collect", label: "Ask and save the answer" },
  { value: "buttons", label: "Offer buttons" },
  { value: "handoff", label: "Hand off to a person" },
];
const COLLECTS: { value: Collect; label: string }[] = [
  { value: "order_number", label: "order number ({{order_number}})" },
  { value: "email", label: "e-mail ({{email}})" },
  { value: "text", label: "any text ({{text}})" },
];
const MAX_BUTTONS = 8;

type Errors = Record<string, string>;

function StepTargets({ steps, self, none }: { steps: readonly StepDraft[]; self: string; none: string }) {
  return (
    <>
      <option value="">{none}</option>
      {steps
        .filter((s) => s.id !== self)
        .map((s) => (
          <option key={s.id} value={s.id}>
            Step “{s.id}”
          </option>
        ))}
    </>
  );
}

function ButtonRow({
  at,
  button,
  steps,
  self,
  errors,
  onChange,
  onRemove,
}: {
  at: string;
  button: ButtonDraft;
  steps: readonly StepDraft[];
  self: string;
  errors: Errors;
  onChange: (button: ButtonDraft) => void;
  onRemove: () => void;
}) {
  return (
    <li className="bot-flow__button" data-testid="flow-button">
      <FormField field={at} label="Button" error={errors[at]}>
        {(control) => (
          <div className="bot-flow__row">
            <input {...control} data-testid="flow-button-label" value={button.label} placeholder="Label" onChange={(e) => onChange({ ...button, label: e.target.value })} />
            <select aria-label="Leads to" data-testid="flow-button-target" value={button.target} onChange={(e) => onChange({ ...button, target: e.target.value })}>
              <StepTargets steps={steps} self={self} none="(choose)" />
              <option value={HANDOFF}>Hand off to a person</option>
            </select>
            <button type="button" className="button button--small" data-testid="flow-button-remove" onClick={onRemove}>
              Remove
            </button>
          </div>
        )}
      </FormField>
    </li>
  );
}

function StepCard({
  at,
  step,
  index,
  steps,
  errors,
  onSteps,
}: {
  at: string;
  step: StepDraft;
  index: number;
  steps: readonly StepDraft[];
  errors: Errors;
  onSteps: (steps: StepDraft[]) => void;
}) {
  const set = (changed: Partial<StepDraft>) => onSteps(steps.map((s, i) => (i === index ? { ...s, ...changed } : s)));
  const setButton = (b: number, button: ButtonDraft) => set({ buttons: step.buttons.map((old, i) => (i === b ? button : old)) });
  return (
    <li className="bot-flow__step" data-testid="flow-step" data-step-id={step.id}>
      <div className="bot-flow__row">
        <FormField field={`${at}.id`} label={`Step ${index + 1}${index === 0 ? " (first)" : ""}: id`} error={errors[`${at}.id`]}>
          {(control) => <input {...control} data-testid="flow-step-id" value={step.id} onChange={(e) => onSteps(renameStep(steps, index, e.target.value))} />}
        </FormField>
        <FormField field={`${at}.kind`} label="Does" error={errors[`${at}.kind`]}>
          {(control) => (
            <select {...control} data-testid="flow-step-kind" value={step.kind} onChange={(e) => set({ kind: e.target.value as StepKind })}>
              {KINDS.map((k) => (
                <option key={k.value} value={k.value}>
                  {k.label}
                </option>
              ))}
            </select>
          )}
        </FormField>
        <button type="button" className="button button--small" data-testid="flow-step-remove" disabled={steps.length === 1} onClick={() => onSteps(removeStep(steps, index))}>
          Remove step
        </button>
      </div>
      <FormField field={`${at}.say`} label="The bot says" error={errors[`${at}.say`]} hint="{{order_number}}, {{email}} and {{text}} are filled in from the answers saved so far.">
        {(control) => <textarea {...control} rows={2} data-testid="flow-step-say" value={step.say} onChange={(e) => set({ say: e.target.value })} />}
      </FormField>
      {step.kind === "collect" && (
        <FormField field={`${at}.collect`} label="Save the answer as" error={undefined}>
          {(control) => (
            <select {...control} data-testid="flow-step-collect" value={step.collect} onChange={(e) => set({ collect: e.target.value as Collect })}>
              {COLLECTS.map((c) => (
                <option key={c.value} value={c.value}>
                  {c.label}
                </option>
              ))}
            </select>
          )}
        </FormField>
      )}
      {(step.kind === "message" || step.kind === "collect") && (
        <FormField field={`${at}.next`} label="Then" error={errors[`${at}.next`]}>
          {(control) => (
            <select {...control} data-testid="flow-step-next" value={step.next} onChange={(e) => set({ next: e.target.value })}>
              <StepTargets steps={steps} self={step.id} none="End the flow" />
            </select>
          )}
        </FormField>
      )}
      {step.kind === "buttons" && (
        <>
          <ul className="bot-flow__buttons">
            {step.buttons.map((button, b) => (
              <ButtonRow
                key={b}
                at={`${at}.buttons.${b}`}
                button={button}
                steps={steps}
                self={step.id}
                errors={errors}
                onChange={(changed) => setButton(b, changed)}
                onRemove={() => set({ buttons: step.buttons.filter((_, i) => i !== b) })}
              />
            ))}
          </ul>
          <button
            type="button"
            className="button button--small"
            data-testid="flow-button-add"
            disabled={step.buttons.length >= MAX_BUTTONS}
            onClick={() => set({ buttons: [...step.buttons, { label: "", target: "" }] })}
          >
            Add button
          </button>
        </>
      )}
    </li>
  );
}

function FlowCard({ at, flow, errors, onChange, onRemove }: { at: string; flow: FlowDraft; errors: Errors; onChange: (flow: FlowDraft) => void; onRemove: () => void }) {
  const onSteps = (steps: StepDraft[]) => onChange({ ...flow, steps });
  return (
    <li className="bot-flow" data-testid="flow">
      <fieldset className="bot-flow__fieldset">
        <legend>{flow.name.trim() || "New flow"}</legend>
        <div className="bot-flow__row">
          <FormField field={`${at}.name`} label="Flow name" error={errors[`${at}.name`]}>
            {(control) => <input {...control} data-testid="flow-name" value={flow.name} onChange={(e) => onChange({ ...flow, name: e.target.value })} />}
          </FormField>
          <FormField field={`${at}.keywords`} label="Starts when a message contains" error={errors[`${at}.keywords`]} hint="Words or word starts, separated by commas; case and diacritics are ignored.">
            {(control) => <input {...control} data-testid="flow-keywords" value={flow.keywords} onChange={(e) => onChange({ ...flow, keywords: e.target.value })} />}
          </FormField>
        </div>
        {errors[`${at}.steps`] && (
          <p className="field__error" data-testid="field-error" data-field={`${at}.steps`}>
            {errors[`${at}.steps`]}
          </p>
        )}
        <ol className="bot-flow__steps">
          {flow.steps.map((step, s) => (
            <StepCard key={s} at={`${at}.steps.${s}`} step={step} index={s} steps={flow.steps} errors={errors} onSteps={onSteps} />
          ))}
        </ol>
        <div className="canned__buttons">
          <button type="button" className="button button--small" data-testid="flow-step-add" onClick={() => onSteps([...flow.steps, newStep(flow.steps)])}>
            Add step
          </button>
          <button type="button" className="button button--small" data-testid="flow-remove" onClick={onRemove}>
            Remove flow
          </button>
        </div>
      </fieldset>
    </li>
  );
}

/** The flows of one bot; `errors` by slot ("flows.0.steps.1.next"). */
export function FlowEditor({ flows, errors, onChange }: { flows: FlowDraft[]; errors: Errors; onChange: (flows: FlowDraft[]) => void }) {
  return (
    <section className="bot-flows" aria-label="Flows" data-testid="bot-flows">
      <h3 className="bot-flows__title">Flows</h3>
      {flows.length === 0 && <p className="table__muted">No flows: the bot answers from the help center and hands off.</p>}
      {errors.flows && (
        <p className="field__error" data-testid="field-error" data-field="flows">
          {errors.flows}
        </p>
      )}
      <ul className="bot-flows__list">
        {flows.map((flow, f) => (
          <FlowCard
            key={f}
            at={`flows.${f}`}
            flow={flow}
            errors={errors}
            onChange={(changed) => onChange(flows.map((old, i) => (i === f ? changed : old)))}
            onRemove={() => onChange(flows.filter((_, i) => i !== f))}
          />
        ))}
      </ul>
      <button type="button" className="button" data-testid="flow-add" onClick={() => onChange([...flows, newFlow()])}>
        Add flow
      </button>
    </section>
  );
}
