import { useEffect, useState, type KeyboardEvent, type RefObject } from "react";
import { errorMessage } from "../api/client";
import { renderCanned, useCannedResponses, type CannedOut } from "./queries";
import { describeMissing, matchCanned, slashQuery, splice, type SlashQuery } from "./shortcut";

export interface CannedShortcut {
  /** The matches to show under the reply box (empty: no picker). */
  matches: CannedOut[];
  active: number;
  /** Shown until the reply is sent: variables with no value, or a failure to insert. */
  warning: string | null;
  /** Call with the new text and caret on every change of the reply box. */
  track(text: string, caret: number): void;
  /** Call first in the box's keydown; true when the picker used the key. */
  onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>): boolean;
  choose(canned: CannedOut): void;
  close(): void;
  clearWarning(): void;
}

/** "/" in the reply box: pick a canned response, get its text for this conversation inserted. */
export function useCannedShortcut(
  conversationId: string,
  text: string,
  setText: (text: string) => void,
  input: RefObject<HTMLTextAreaElement | null>,
): CannedShortcut {
  const canned = useCannedResponses();
  const [slash, setSlash] = useState<SlashQuery | null>(null);
  const [active, setActive] = useState(0);
  const [warning, setWarning] = useState<string | null>(null);

  useEffect(() => {
    setSlash(null);
    setWarning(null);
  }, [conversationId]);

  const matches = slash ? matchCanned(canned.data ?? [], slash.query) : [];

  function track(value: string, caret: number) {
    const found = slashQuery(value, caret);
    setSlash(found);
    if (found?.query !== slash?.query) setActive(0);
  }

  function choose(item: CannedOut) {
    const at = slash;
    setSlash(null);
    if (!at) return;
    renderCanned(conversationId, item.id).then(
      (rendered) => {
        const next = splice(text, at.start, at.end, rendered.text);
        setText(next.text);
        setWarning(
          rendered.missing.length > 0
            ? `No value for ${describeMissing(rendered.missing)} in this conversation: left empty. Check the text before sending.`
            : null,
        );
        requestAnimationFrame(() => {
          input.current?.focus();
          input.current?.setSelectionRange(next.caret, next.caret);
        });
      },
      (error: unknown) => setWarning(`Could not insert /${item.shortcut}: ${errorMessage(error)}`),
    );
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>): boolean {
    if (matches.length === 0) return false;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      setActive((i) => (i + step + matches.length) % matches.length);
      return true;
    }
    if ((event.key === "Enter" && !event.shiftKey) || event.key === "Tab") {
      const chosen = matches[Math.min(active, matches.length - 1)];
      if (!chosen) return false;
      event.preventDefault();
      choose(chosen);
      return true;
    }
    if (event.key === "Escape") {
      event.preventDefault();
      setSlash(null);
      return true;
    }
    return false;
  }

  return {
    matches,
    active: Math.min(active, Math.max(matches.length - 1, 0)),
    warning,
    track,
    onKeyDown,
    choose,
    close: () => setSlash(null),
    clearWarning: () => setWarning(null),
  };
}
