/** Small pieces shared by the admin forms and lists. */
import { useEffect, useRef, useState, type ReactNode } from "react";
import { errorMessage } from "../api/client";

/** A labelled control with its hint and its field error (data-field = the API field). */
export function FormField({
  field,
  label,
  error,
  hint,
  children,
}: {
  field: string;
  label: string;
  error: string | undefined;
  hint?: ReactNode;
  children: (control: { id: string; "aria-invalid": boolean; "aria-describedby": string | undefined }) => ReactNode;
}) {
  const id = `admin-${field.replace(/\W+/g, "-")}`;
  const described = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(" ");
  return (
    <div className={`field${error ? " field--invalid" : ""}`}>
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      {children({ id, "aria-invalid": Boolean(error), "aria-describedby": described || undefined })}
      {hint && !error && (
        <p className="field__hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p className="field__error" id={`${id}-error`} data-testid="field-error" data-field={field}>
          {error}
        </p>
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

/** Copies `text`; if the browser refuses, selects `select()` for Ctrl+C instead. */
export function CopyButton({ text, label = "Copy", select }: { text: string; label?: string; select?: () => void }) {
  const [state, setState] = useState<"idle" | "copied" | "manual">("idle");
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => () => {
    if (timer.current) clearTimeout(timer.current);
  }, []);

  async function copy() {
    let next: "copied" | "manual" = "copied";
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      select?.();
      next = "manual";
    }
    setState(next);
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => setState("idle"), 2500);
  }

  return (
    <button type="button" className="button button--small" onClick={() => void copy()} aria-live="polite">
      {state === "copied" ? "Copied" : state === "manual" ? "Press Ctrl+C" : label}
    </button>
  );
}

/** Selects the text inside an element (the fallback when the clipboard is refused). */
export function selectContents(element: HTMLElement | null): void {
  if (!element) return;
  const range = document.createRange();
  range.selectNodeContents(element);
  const selection = window.getSelection();
  selection?.removeAllRanges();
  selection?.addRange(range);
}

/** Loading, failure (with retry) and empty states of a list card. */
export function ListState({
  query,
  loading,
  empty,
  isEmpty,
}: {
  query: { isPending: boolean; isError: boolean; error: unknown; refetch: () => unknown };
  loading: string;
  empty: ReactNode;
  isEmpty: boolean;
}) {
  if (query.isPending) return <p className="empty">{loading}</p>;
  if (query.isError) {
    return (
      <div className="empty empty--error" role="alert">
        <p>{errorMessage(query.error)}</p>
        <button type="button" className="button" onClick={() => void query.refetch()}>
          Try again
        </button>
      </div>
    );
  }
  if (isEmpty) return <p className="empty">{empty}</p>;
  return null;
}

export function formatDateTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  return date.toLocaleString(undefined, { day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit" });
}
