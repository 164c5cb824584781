import { FormField } from "../ui/FormField";
import { useChannels } from "../channels/catalogue";

/** The queue's SLA target per channel, in seconds; empty keeps the channel's default. */
export function SlaInputs({
  channels,
  values,
  errors,
  onChange,
}: {
  channels: readonly string[];
  values: Record<string, string>;
  errors: Record<string, string>;
  onChange(channel: string, value: string): void;
}) {
  const catalogue = useChannels();
  return (
    <fieldset className="sla-inputs" data-testid="queue-sla">
      <legend className="field__label">Answer within (SLA, seconds)</legend>
      {errors.sla_seconds && (
        <p className="field__error" data-testid="field-error" data-field="sla_seconds">
          {errors.sla_seconds}
        </p>
      )}
      <div className="sla-inputs__grid">
        {channels.map((channel) => (
          <FormField key={channel} field={`sla_seconds.${channel}`} label={catalogue.label(channel)} error={errors[`sla_seconds.${channel}`]}>
            {(control) => (
              <input
                {...control}
                data-testid={`queue-form-sla-${channel}`}
                type="number"
                min={1}
                inputMode="numeric"
                placeholder="default"
                value={values[channel] ?? ""}
                onChange={(e) => onChange(channel, e.target.value)}
              />
            )}
          </FormField>
        ))}
      </div>
    </fieldset>
  );
}
