import { useEffect, useRef, useState, type KeyboardEvent } from "react";
import { useRealtime } from "../realtime/RealtimeProvider";

const TYPING_REFRESH_MS = 3_000;
const TYPING_IDLE_MS = 4_000;

interface Props {
  conversationId: string;
  disabled: boolean;
  disabledReason?: string;
  onSend(body: string): void;
}

/** Enter sends, Shift+Enter adds a line; typing frames go out while typing. */
export function ReplyBox({ conversationId, disabled, disabledReason, onSend }: Props) {
  const { send: sendFrame } = useRealtime();
  const [text, setText] = useState("");
  const input = useRef<HTMLTextAreaElement>(null);
  const typing = useRef({ active: false, sentAt: 0, idle: null as ReturnType<typeof setTimeout> | null });

  function stopTyping() {
    const t = typing.current;
    if (t.idle) clearTimeout(t.idle);
    t.idle = null;
    if (t.active) {
      sendFrame({ type: "typing", conversation_id: conversationId, state: false });
      t.active = false;
    }
  }

  function noteTyping(value: string) {
    const t = typing.current;
    if (!value.trim()) {
      stopTyping();
      return;
    }
    const now = Date.now();
    if (!t.active || now - t.sentAt > TYPING_REFRESH_MS) {
      sendFrame({ type: "typing", conversation_id: conversationId, state: true });
      t.active = true;
      t.sentAt = now;
    }
    if (t.idle) clearTimeout(t.idle);
    t.idle = setTimeout(stopTyping, TYPING_IDLE_MS);
  }

  // New conversation: fresh box, and tell the previous one we stopped.
  useEffect(() => {
    setText("");
    input.current?.focus();
    return stopTyping;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [conversationId]);

  function submit() {
    const body = text.trim();
    if (!body || disabled) return;
    stopTyping();
    onSend(body);
    setText("");
    input.current?.focus();
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      submit();
    }
  }

  return (
    <form
      className="reply"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <textarea
        ref={input}
        className="reply__input"
        data-testid="reply-input"
        rows={3}
        placeholder={disabled ? disabledReason : "Write a reply…  (Enter to send, Shift+Enter for a new line)"}
        value={text}
        disabled={disabled}
        onChange={(e) => {
          setText(e.target.value);
          noteTyping(e.target.value);
        }}
        onKeyDown={onKeyDown}
        onBlur={stopTyping}
        aria-label="Reply"
      />
      <div className="reply__bar">
        <span className="reply__hint">Enter to send · Shift+Enter for a new line</span>
        <button type="submit" className="button button--primary" data-testid="reply-send" disabled={disabled || !text.trim()}>
          Send
        </button>
      </div>
    </form>
  );
}
