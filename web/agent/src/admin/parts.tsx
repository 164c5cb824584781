/** Small pieces of the admin area (the form and list pieces shared with other areas are in ui/). */
import { useEffect, useRef, useState } from "react";

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

/**
 * A row's destructive action (revoke, remove): asks `question` first, shows "…ing" while it
 * runs and `failed` (with the server's reason as a tooltip) when it did not work.
 */
export function DangerButton({
  label,
  pendingLabel,
  failed,
  question,
  pending,
  error,
  testId,
  onConfirmed,
}: {
  label: string;
  pendingLabel: string;
  failed: string;
  question: string;
  pending: boolean;
  error: string | null;
  testId: string;
  onConfirmed: () => void;
}) {
  return (
    <>
      {error !== null && (
        <span className="table__error" role="alert" title={error}>
          {failed}
        </span>
      )}
      <button
        type="button"
        className="button button--small button--danger"
        data-testid={testId}
        disabled={pending}
        onClick={() => {
          if (window.confirm(question)) onConfirmed();
        }}
      >
        {pending ? pendingLabel : label}
      </button>
    </>
  );
}
