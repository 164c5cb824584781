/** A form's labelled controls and its messages, shared by the admin and rules forms. */
import type { ReactNode } from "react";
import type { PathError } from "./formErrors";

export interface ControlProps {
  id: string;
  "aria-invalid": boolean;
  "aria-describedby": string | undefined;
}

/**
 * A labelled control with its hint and its field error. `error` is one message
 * (data-field = `field`) or several, each with its own path (data-field = the
 * path, e.g. "facts.0.where" under a JSON editor for the facts).
 */
export function FormField({
  field,
  label,
  error,
  hint,
  required = false,
  errorTestId = "field-error",
  className,
  idPrefix = "field",
  children,
}: {
  field: string;
  label: ReactNode;
  error: string | readonly PathError[] | undefined;
  hint?: ReactNode;
  required?: boolean;
  errorTestId?: string;
  className?: string;
  /** Makes the control's id unique when the same form is on the page twice (e.g. add and edit). */
  idPrefix?: string;
  children: (control: ControlProps) => ReactNode;
}) {
  const id = `${idPrefix}-${field.replace(/\W+/g, "-")}`;
  const errors: readonly PathError[] =
    error === undefined ? [] : typeof error === "string" ? [{ path: field, msg: error }] : error;
  const invalid = errors.length > 0;
  const described = [hint ? `${id}-hint` : null, invalid ? `${id}-error` : null].filter(Boolean).join(" ");
  return (
    <div className={`field${invalid ? " field--invalid" : ""}${className ? ` ${className}` : ""}`}>
      <label className="field__label" htmlFor={id}>
        {label}
        {required && (
          <span className="field__required" aria-hidden="true">
            {" "}*
          </span>
        )}
      </label>
      {children({ id, "aria-invalid": invalid, "aria-describedby": described || undefined })}
      {hint && !invalid && (
        <p className="field__hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {invalid && (
        <div id={`${id}-error`}>
          {errors.map((e, i) => (
            <p key={`${e.path}-${i}`} className="field__error" data-testid={errorTestId} data-field={e.path}>
              {e.path !== field ? <code className="field__error-path">{e.path}: </code> : null}
              {e.msg}
            </p>
          ))}
        </div>
      )}
    </div>
  );
}

/** The form-level message (409, 403, network…). */
export function FormError({ message }: { message: string | null }) {
  if (!message) return null;
  return (
    <p className="form-error" role="alert" data-testid="form-error">
      {message}
    </p>
  );
}
