// cobrowse.js entry: loaded by loader.js only when a co-browse session
// concerns this visitor (a request arrives, or the tab was in a session before
// this page loaded), so rrweb never weighs on ordinary page views. Records the
// page with rrweb, masked (privacy.ts), after the visitor's consent (asked
// here, or given by accepting a co-browse offer: then the first news is an
// "active" state, and the visible tab shares itself); shows the banner with
// Stop; applies the agent's highlights and, with the second consent, clicks
// and scrolls. See docs/cobrowse.md.

import { record } from "@rrweb/record";
import type { HovorRuntime, RawFrame } from "../boot";
import { session as sessionStore, storageKey } from "../storage";
import { pageLang } from "../widget/i18n";
import { BLOCK_SELECTOR, maskInput, maskText, PRIVATE_SELECTOR } from "./privacy";
import { BatchSender } from "./sender";
import { COBROWSE_TEXTS } from "./texts";
import { CobrowseUi } from "./ui";

interface SessionView {
  id: string;
  status: "consented" | "requested" | "active" | "declined" | "ended";
  control: "none" | "requested" | "granted";
  agent_name: string;
  ended_by: string | null;
}

declare global {
  interface Window {
    /** Set while recording, for the benchmark and the browser tests. */
    __hovorCobrowse?: { sender: BatchSender; sessionId: string };
    __hovorCobrowseStarted?: boolean;
  }
}

export function startCobrowse(runtime: HovorRuntime): void {
  const { siteKey, lang: chosen } = runtime.session;
  const t = COBROWSE_TEXTS[pageLang(chosen)];
  const tab = sessionStore();
  const key = storageKey(siteKey, "cobrowse");
  const link = runtime.link;
  let ui: CobrowseUi | null = null;
  let current: SessionView | null = null;
  let stopRecording: (() => void) | null = null;
  let sender: BatchSender | null = null;

  const screen = (): CobrowseUi => (ui ??= new CobrowseUi(t));
  const named = (text: string): string => text.replace("#", current?.agent_name ?? "");

  const startRecording = (sessionId: string): void => {
    if (stopRecording) return;
    const out = new BatchSender(sessionId, {
      send: (frame) => link.send(frame),
      resync: () => record.takeFullSnapshot(),
      tooLarge: () => {
        screen().notice(t.tooLarge);
        end(sessionId);
      },
    });
    sender = out;
    window.__hovorCobrowse = { sender: out, sessionId };
    stopRecording =
      record({
        emit: (event) => out.push(event),
        maskAllInputs: true,
        maskInputFn: maskInput,
        maskTextSelector: PRIVATE_SELECTOR,
        maskTextFn: maskText,
        blockSelector: BLOCK_SELECTOR,
        slimDOMOptions: "all",
        sampling: { mousemove: 50, scroll: 100 },
        recordCanvas: false,
        collectFonts: false,
        inlineImages: false,
      }) ?? null;
  };

  const quiet = (): void => {
    stopRecording?.();
    stopRecording = null;
    sender = null;
    delete window.__hovorCobrowse;
    tab.removeItem(key);
    ui?.clearAsk();
    ui?.clearBanner();
  };

  /** Stop here at once (nothing more leaves the page), then tell the server. */
  const end = (sessionId: string): void => {
    quiet();
    current = null;
    link.send({ type: "cobrowse.stop", session_id: sessionId });
  };

  const show = (session: SessionView): void => {
    const before = current;
    current = session;
    if (session.status === "requested") {
      if (before?.id === session.id && before.status === "requested") return;
      screen().askConsent(named(t.ask), (accepted) => {
        if (accepted) tab.setItem(key, session.id); // this tab is the one shared
        link.send({ type: "cobrowse.consent", session_id: session.id, accepted });
      });
      return;
    }
    if (session.status !== "active") {
      const wasLive = before?.id === session.id && before.status === "active";
      quiet();
      current = null;
      if (wasLive && session.ended_by !== "visitor") screen().notice(t.ended);
      return;
    }
    if (tab.getItem(key) !== session.id) {
      const asked = before?.id === session.id && before.status === "requested";
      if (asked || document.visibilityState !== "visible") {
        // Another tab of this visitor was asked and allowed it: that one is shared, not this.
        ui?.clearAsk();
        current = null;
        return;
      }
      // Never asked here: the visitor agreed when accepting a co-browse offer, so the tab
      // they are looking at is the one shared (it then survives navigation like any other).
      tab.setItem(key, session.id);
    }
    startRecording(session.id);
    screen().banner(named(session.control === "granted" ? t.controlling : t.viewing), () => end(session.id));
    if (session.control === "requested") {
      screen().askConsent(named(t.askControl), (accepted) =>
        link.send({ type: "cobrowse.consent", session_id: session.id, accepted, control: true }),
      );
    } else {
      ui?.clearAsk();
    }
  };

  const target = (nodeId: unknown): Element | null => {
    if (typeof nodeId !== "number") return null;
    const node = record.mirror.getNode(nodeId);
    const found = node instanceof Element ? node : (node?.parentElement ?? null);
    return found && !found.closest(BLOCK_SELECTOR) ? found : null;
  };

  const onFrame = (frame: RawFrame): void => {
    const live = current?.status === "active" ? current : null;
    switch (frame.type) {
      case "hello": {
        // A new socket: batches in flight are lost; ask where a stored session stands.
        sender?.lost();
        const stored = tab.getItem(key);
        if (stored) link.send({ type: "cobrowse.resume", session_id: stored });
        break;
      }
      case "cobrowse.state":
        if (isSession(frame.session)) show(frame.session);
        break;
      case "cobrowse.ack":
        if (live && frame.session_id === live.id && typeof frame.seq === "number") sender?.acked(frame.seq);
        break;
      case "cobrowse.snapshot":
        if (live && frame.session_id === live.id && stopRecording) record.takeFullSnapshot();
        break;
      case "cobrowse.pointer":
        if (live && frame.session_id === live.id) screen().spot(target(frame.node_id), Number(frame.x) || 0, Number(frame.y) || 0);
        break;
      case "cobrowse.control":
        if (live && frame.session_id === live.id && live.control === "granted") control(frame);
        break;
      case "error":
        if (typeof frame.client_id === "string" && frame.client_id.startsWith("cb-") && live) {
          if (frame.code === "snapshot_too_large") {
            screen().notice(t.tooLarge);
            end(live.id);
          } else if (frame.code === "rate_limited") {
            sender?.lost(5000);
          } else {
            sender?.lost();
          }
        }
        break;
    }
  };

  const control = (frame: RawFrame): void => {
    const x = Number(frame.x) || 0;
    const y = Number(frame.y) || 0;
    if (frame.kind === "scroll") {
      window.scrollTo({ left: x, top: y });
      return;
    }
    const el = target(frame.node_id);
    if (el instanceof HTMLElement) {
      screen().spot(el, x, y);
      el.focus({ preventScroll: true });
      el.click();
    }
  };

  link.subscribe(onFrame, true);
}

function isSession(value: unknown): value is SessionView {
  const v = value as SessionView | null;
  return typeof v === "object" && v !== null && typeof v.id === "string" && typeof v.status === "string";
}

const runtime = window.__hovor;
if (runtime && !window.__hovorCobrowseStarted) {
  window.__hovorCobrowseStarted = true;
  const boot = (): void => {
    try {
      startCobrowse(runtime);
    } catch (err) {
      console.error("[hovor] co-browsing failed to start", err);
    }
  };
  if (document.body) boot();
  else document.addEventListener("DOMContentLoaded", boot, { once: true });
}
