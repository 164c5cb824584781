import { useRef, useState, type FormEvent, type ReactNode } from "react";
import { errorMessage, type ConversationOut } from "../api/client";
import { locale, t } from "../i18n/i18n";
import { useNow } from "../inbox/useNow";
import { newClientId } from "./outbox";
import {
  useRefreshWhatsAppTemplates,
  useSendWhatsAppTemplate,
  useWhatsAppTemplates,
  useWhatsAppWindow,
} from "./whatsappQueries";
import { previewTemplate, templateKey, templateProblem, windowState } from "./whatsappWindow";
import "./whatsapp.css";

interface Props {
  conversation: ConversationOut;
  meId: string;
  /** The customer's latest message: when it changes the window is read again (it reopens). */
  lastCustomerMessageId: string | null;
  /** The ordinary reply box, shown while free text may be sent. */
  children: ReactNode;
}

/**
 * The composer of a WhatsApp conversation: the reply box with the time left
 * in WhatsApp's 24-hour window, or, once it has closed, why and a picker of
 * the inbox's approved templates. Other channels get the reply box unchanged.
 */
export function WhatsAppComposer(props: Props) {
  const { conversation, children } = props;
  if (conversation.channel !== "whatsapp" || conversation.status !== "open") return <>{children}</>;
  return <WindowedComposer {...props} />;
}

function WindowedComposer({ conversation, meId, lastCustomerMessageId, children }: Props) {
  const window = useWhatsAppWindow(conversation.id, lastCustomerMessageId, true);
  const now = useNow(1000);
  if (!window.data) return <>{children}</>; // loading, or unreadable: the server still refuses late free text
  const state = windowState(window.data, now);
  if (!state.open) return <TemplatePicker conversationId={conversation.id} meId={meId} reason={state.text} />;
  return (
    <>
      <div className="wa-window">
        <span
          className={state.tone === "soon" ? "chip chip--warn" : "chip chip--ok"}
          data-testid="whatsapp-window"
          title={t("wa.windowUntil", { at: new Date(window.data.closes_at ?? "").toLocaleString(locale()) })}
        >
          {state.text}
        </span>
      </div>
      {children}
    </>
  );
}

function TemplatePicker({ conversationId, meId, reason }: { conversationId: string; meId: string; reason: string }) {
  const templates = useWhatsAppTemplates(conversationId, true);
  const refresh = useRefreshWhatsAppTemplates(conversationId);
  const send = useSendWhatsAppTemplate(conversationId, meId);
  const [key, setKey] = useState("");
  const [values, setValues] = useState<string[]>([]);
  const clientId = useRef(newClientId()); // reused if the same send is retried
  const list = templates.data ?? [];
  const chosen = list.find((t) => templateKey(t) === key) ?? null;
  const problem = chosen ? templateProblem(chosen, values) : null;

  function choose(next: string) {
    setKey(next);
    setValues([]);
    clientId.current = newClientId();
    send.reset();
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!chosen || problem !== null || send.isPending) return;
    const parameters = Array.from({ length: chosen.parameters }, (_, i) => (values[i] ?? "").trim());
    send.mutate(
      { name: chosen.name, language: chosen.language, parameters, clientId: clientId.current },
      { onSuccess: () => choose("") },
    );
  }

  return (
    <form className="reply wa-templates" aria-label={t("wa.templates")} data-testid="whatsapp-templates" onSubmit={submit}>
      <p className="wa-templates__notice" role="status" data-testid="whatsapp-window-closed">
        {reason}
      </p>
      <div className="wa-templates__row">
        <label className="field">
          <span className="field__label">{t("wa.templateLabel")}</span>
          <select
            className="select"
            data-testid="whatsapp-template-select"
            value={key}
            onChange={(e) => choose(e.target.value)}
            disabled={list.length === 0}
          >
            <option value="">{templates.isPending ? t("wa.loadingTemplates") : t("wa.chooseTemplate")}</option>
            {list.map((t) => (
              <option key={templateKey(t)} value={templateKey(t)}>
                {t.name} ({t.language})
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          className="button"
          data-testid="whatsapp-templates-refresh"
          disabled={refresh.isPending}
          onClick={() => refresh.mutate()}
          title={t("wa.refreshTitle")}
        >
          {refresh.isPending ? t("wa.refreshing") : t("wa.refresh")}
        </button>
      </div>
      {templates.isError && !refresh.isSuccess && (
        <p className="inline-error" role="alert">{errorMessage(templates.error)}</p>
      )}
      {refresh.isError && <p className="inline-error" role="alert">{errorMessage(refresh.error)}</p>}
      {templates.isSuccess && list.length === 0 && (
        <p className="field__hint">{t("wa.noTemplates")}</p>
      )}
      {chosen && (
        <>
          {chosen.parameters > 0 && (
            <div className="wa-templates__params">
              {Array.from({ length: chosen.parameters }, (_, i) => (
                <label key={i} className="field">
                  <span className="field__label">{`{{${i + 1}}}`}</span>
                  <input
                    data-testid={`whatsapp-template-param-${i + 1}`}
                    value={values[i] ?? ""}
                    maxLength={1024}
                    onChange={(e) => {
                      const next = [...values];
                      next[i] = e.target.value;
                      setValues(next);
                    }}
                  />
                </label>
              ))}
            </div>
          )}
          <div className="wa-templates__preview" data-testid="whatsapp-template-preview">
            {chosen.header && <strong>{chosen.header}{"\n"}</strong>}
            {previewTemplate(chosen.body, values)}
            {chosen.footer && <small>{chosen.footer}</small>}
          </div>
        </>
      )}
      {send.isError && <p className="inline-error" role="alert">{errorMessage(send.error)}</p>}
      <div className="reply__bar">
        <span className="reply__hint">
          {chosen ? (problem ?? `${chosen.category ?? t("wa.template")} · ${chosen.language}`) : t("wa.approvedBy")}
        </span>
        <button
          type="submit"
          className="button button--primary"
          data-testid="whatsapp-template-send"
          disabled={!chosen || problem !== null || send.isPending}
        >
          {send.isPending ? t("common.sending") : t("wa.send")}
        </button>
      </div>
    </form>
  );
}
