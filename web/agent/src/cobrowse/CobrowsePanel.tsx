import { useEffect, useRef, useState } from "react";
import { errorMessage, type ConversationOut } from "../api/client";
import { useRealtime } from "../realtime/RealtimeProvider";
import { onBatch } from "./live";
import { useControl, useConversationCobrowse, useEndCobrowse, useStartCobrowse, type CobrowseSession } from "./queries";
import { isFromViewer, type ToViewer } from "./viewerMessages";
import "./cobrowse.css";

const VIEWER_SRC = "/app/cobrowse-viewer.html";

/**
 * Co-browsing in a web chat: the button that asks the visitor, the wait for
 * their consent, and the live view of their page (docs/cobrowse.md). Only the
 * agent who asked sees the page; colleagues see who is co-browsing.
 */
export function CobrowsePanel({ conversation, meId }: { conversation: ConversationOut; meId: string }) {
  const session = useConversationCobrowse(conversation.id).data ?? null;
  const start = useStartCobrowse(conversation.id);
  const end = useEndCobrowse();
  if (conversation.channel !== "webchat") return null;
  const live = session && (session.status === "requested" || session.status === "active") ? session : null;
  const error = start.error ?? end.error;

  if (session?.status === "consented" && conversation.status !== "closed") {
    // The visitor accepted a co-browse offer: starting needs no second consent.
    return (
      <div className="cobrowse-row" data-testid="cobrowse-row">
        <span data-testid="cobrowse-consented">The visitor agreed to co-browse when accepting the offer</span>
        {error && <span className="cobrowse-row__error" role="alert">{errorMessage(error)}</span>}
        <button
          type="button"
          className="button button--small button--primary"
          data-testid="cobrowse-start"
          disabled={start.isPending}
          title="You see the visitor's page at once; they are not asked again"
          onClick={() => start.mutate()}
        >
          {start.isPending ? "Starting…" : "Start co-browsing"}
        </button>
      </div>
    );
  }
  if (!live) {
    if (conversation.status === "closed") return null;
    return (
      <div className="cobrowse-row" data-testid="cobrowse-row">
        {session && <span className="cobrowse-row__last">{lastOutcome(session)}</span>}
        {error && <span className="cobrowse-row__error" role="alert">{errorMessage(error)}</span>}
        <button
          type="button"
          className="button button--small"
          data-testid="cobrowse-start"
          disabled={start.isPending}
          title="Ask the visitor to share the page they are on; you see it live once they allow it"
          onClick={() => start.mutate()}
        >
          {start.isPending ? "Asking…" : "Co-browse"}
        </button>
      </div>
    );
  }
  if (live.agent_id !== meId) {
    return (
      <div className="cobrowse-row" data-testid="cobrowse-row">
        <span>{live.agent_name} is co-browsing with this visitor.</span>
      </div>
    );
  }
  if (live.status === "requested") {
    return (
      <div className="cobrowse-row" data-testid="cobrowse-row" role="status">
        <span data-testid="cobrowse-waiting">Waiting for the visitor to allow co-browsing…</span>
        <button type="button" className="button button--small" data-testid="cobrowse-cancel" disabled={end.isPending} onClick={() => end.mutate(live.id)}>
          Cancel
        </button>
      </div>
    );
  }
  return <LiveView session={live} onStop={() => end.mutate(live.id)} stopping={end.isPending} />;
}

function post(frame: HTMLIFrameElement | null, message: ToViewer): void {
  frame?.contentWindow?.postMessage(message, window.location.origin);
}

function lastOutcome(session: CobrowseSession): string {
  if (session.status === "declined") return "The visitor did not allow co-browsing.";
  if (session.end_reason === "unanswered") return "The visitor did not answer the co-browse request.";
  if (session.end_reason === "unused") return "The visitor's consent from the offer was not used.";
  if (session.end_reason === "visitor_left") return "Co-browsing ended: the visitor left the site.";
  const by = session.ended_by === "visitor" ? "the visitor" : session.ended_by === "agent" ? session.agent_name : "Hovor";
  return `Co-browsing ended by ${by}.`;
}

function LiveView({ session, onStop, stopping }: { session: CobrowseSession; onStop: () => void; stopping: boolean }) {
  const { send, status } = useRealtime();
  const control = useControl();
  const frame = useRef<HTMLIFrameElement>(null);
  const ready = useRef(false);
  const [lastAction, setLastAction] = useState<string | null>(null);
  const queued = useRef<unknown[][]>([]);
  const granted = session.control === "granted";

  // Join on the socket (again after a reconnect); the visitor's page then sends a full snapshot.
  useEffect(() => {
    if (status !== "open") return;
    send({ type: "cobrowse.join", session_id: session.id });
    return () => void send({ type: "cobrowse.leave", session_id: session.id });
  }, [send, status, session.id]);

  useEffect(
    () =>
      onBatch(session.id, (batch) => {
        if (ready.current) post(frame.current, { type: "events", events: batch.events });
        else queued.current.push(batch.events);
      }),
    [session.id],
  );

  useEffect(() => {
    const onMessage = (ev: MessageEvent) => {
      if (ev.origin !== window.location.origin || ev.source !== frame.current?.contentWindow || !isFromViewer(ev.data)) return;
      const data = ev.data;
      if (data.type === "ready") {
        ready.current = true;
        for (const events of queued.current.splice(0)) post(frame.current, { type: "events", events });
        return;
      }
      if (data.type === "scroll") {
        if (granted) send({ type: "cobrowse.input", session_id: session.id, kind: "scroll", node_id: null, x: data.x, y: data.y });
        return;
      }
      const at = { session_id: session.id, node_id: data.node_id, x: data.x, y: data.y };
      if (granted && !data.shift) send({ type: "cobrowse.input", kind: "click", ...at });
      else send({ type: "cobrowse.point", ...at });
      setLastAction(granted && !data.shift ? "Clicked for the visitor" : "Highlighted for the visitor");
    };
    window.addEventListener("message", onMessage);
    return () => window.removeEventListener("message", onMessage);
  }, [session.id, granted, send]);

  const controlLabel =
    session.control === "granted" ? "Give control back" : session.control === "requested" ? "Control asked…" : "Ask for control";
  return (
    <section className="cobrowse" aria-label="Co-browsing" data-testid="cobrowse-live">
      <div className="cobrowse__bar">
        <span className="cobrowse__dot" aria-hidden="true" />
        <strong>Viewing the visitor's page</strong>
        <span className="cobrowse__hint" data-testid="cobrowse-hint">
          {granted ? "Click to click for the visitor; Shift-click highlights." : "Click to highlight something for the visitor."}
          {lastAction && <> · {lastAction}</>}
        </span>
        <button
          type="button"
          className="button button--small"
          data-testid="cobrowse-control"
          disabled={control.isPending || session.control === "requested"}
          title="Clicks and scrolls on the replay happen on the visitor's page; the visitor must allow it"
          onClick={() => control.mutate({ sessionId: session.id, on: session.control !== "granted" })}
        >
          {controlLabel}
        </button>
        <button type="button" className="button button--small button--danger" data-testid="cobrowse-stop" disabled={stopping} onClick={onStop}>
          Stop
        </button>
      </div>
      {control.isError && <div className="inline-error" role="alert">{errorMessage(control.error)}</div>}
      <iframe ref={frame} className="cobrowse__viewer" src={VIEWER_SRC} title="The visitor's page, live" data-testid="cobrowse-frame" />
    </section>
  );
}
