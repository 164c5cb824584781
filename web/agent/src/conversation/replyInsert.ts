/**
 * Text for the open conversation's reply box from elsewhere on the page (the
 * side panel's suggested articles): a window event the ReplyBox listens to.
 */
const EVENT = "hovor:insert-reply";

interface Detail {
  conversationId: string;
  text: string;
}

export function insertIntoReply(conversationId: string, text: string): void {
  window.dispatchEvent(new CustomEvent<Detail>(EVENT, { detail: { conversationId, text } }));
}

/** Calls `onText` for text meant for `conversationId`; returns the unsubscribe. */
export function onInsertIntoReply(conversationId: string, onText: (text: string) => void): () => void {
  const listener = (event: Event) => {
    const detail = (event as CustomEvent<Detail>).detail;
    if (detail.conversationId === conversationId) onText(detail.text);
  };
  window.addEventListener(EVENT, listener);
  return () => window.removeEventListener(EVENT, listener);
}

/** `text` added to `current` at the caret, on a line of its own when the box is not empty. */
export function withInserted(current: string, caret: number, text: string): { text: string; caret: number } {
  const before = current.slice(0, caret);
  const after = current.slice(caret);
  const glue = before && !/\s$/.test(before) ? " " : "";
  const next = before + glue + text;
  return { text: next + after, caret: next.length };
}
