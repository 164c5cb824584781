import { useEffect, useRef, useState, type KeyboardEvent } from "react";
import { CannedPicker, CannedWarning } from "../canned/CannedPicker";
import { useCannedShortcut } from "../canned/useCannedShortcut";
import { useRealtime } from "../realtime/RealtimeProvider";
import { onInsertIntoReply, withInserted } from "./replyInsert";
import { t } from "../i18n/i18n";

const TYPING_REFRESH_MS = 3_000;
const TYPING_IDLE_MS = 4_000;

interface Props {
  conversationId: string;
  disabled: boolean;
  disabledReason?: string;
  onSend(body: string): void;
}

/** Enter sends, Shift+Enter adds a line, "/" picks a canned response; typing frames go out while typing. */
export function ReplyBox({ conversationId, disabled, disabledReason, onSend }: Props) {
  const { send: sendFrame } = useRealtime();
  const [text, setText] = useState("");
  const input = useRef<HTMLTextAreaElement>(null);
  const typing = useRef({ active: false, sentAt: 0, idle: null as ReturnType<typeof setTimeout> | null });
  const canned = useCannedShortcut(conversationId, text, setText, input);

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

  // A suggested article's link or text from the side panel, at the caret.
  useEffect(
    () =>
      onInsertIntoReply(conversationId, (inserted) => {
        const box = input.current;
        setText((current) => {
          const next = withInserted(current, box?.selectionStart ?? current.length, inserted);
          requestAnimationFrame(() => {
            box?.focus();
            box?.setSelectionRange(next.caret, next.caret);
          });
          return next.text;
        });
      }),
    [conversationId],
  );

  function submit() {
    const body = text.trim();
    if (!body || disabled) return;
    stopTyping();
    onSend(body);
    setText("");
    canned.clearWarning();
    input.current?.focus();
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (canned.onKeyDown(event)) return;
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
      <CannedPicker shortcut={canned} />
      <CannedWarning shortcut={canned} />
      <textarea
        ref={input}
        className="reply__input"
        data-testid="reply-input"
        rows={3}
        placeholder={disabled ? disabledReason : t("reply.placeholder")}
        value={text}
        disabled={disabled}
        onChange={(e) => {
          setText(e.target.value);
          noteTyping(e.target.value);
          canned.track(e.target.value, e.target.selectionStart);
        }}
        onKeyDown={onKeyDown}
        onBlur={() => {
          stopTyping();
          canned.close();
        }}
        aria-controls={canned.matches.length > 0 ? "canned-picker" : undefined}
        aria-label={t("reply.label")}
      />
      <div className="reply__bar">
        <span className="reply__hint">{t("reply.hint")}</span>
        <button type="submit" className="button button--primary" data-testid="reply-send" disabled={disabled || !text.trim()}>
          {t("reply.send")}
        </button>
      </div>
    </form>
  );
}
