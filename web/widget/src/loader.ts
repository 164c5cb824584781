// loader.js: the first Hovor script on a customer's page (see the snippet in
// docs/widget-protocol.md). It must stay small: the build fails above 6 KB gzip.
//
// 1. find its own <script data-site> tag: site key, server origin;
// 2. replace the snippet's `window.hovor` stub with the real command function
//    and run the queued calls;
// 3. get a visitor token (`POST /v1/widget/session`), keep it in localStorage;
// 4. open the visitor WebSocket (src/transport/connection.ts) and start the
//    tracker (src/tracker/): both live here, on every page;
// 5. inject widget.js (launcher and chat) from the same folder when the browser
//    is idle, or at once when it is needed now: `hovor("open")`, an `offer`
//    frame, an existing conversation or unread agent messages. widget.js finds
//    the session and the connection on `window.__hovor`.

import type { HovorRuntime, VisitorSession, WidgetApi } from "./boot";
import { createDispatcher } from "./loader/commands";
import { requestSessionWithRetry, SessionRefused } from "./loader/session";
import { local, session as sessionStore, storageKey } from "./storage";
import { startTracking } from "./tracker";
import { Connection } from "./transport/connection";

function findOwnScript(): HTMLScriptElement | null {
  const current = document.currentScript;
  if (current instanceof HTMLScriptElement && current.dataset.site) return current;
  const candidates = document.querySelectorAll<HTMLScriptElement>("script[data-site]");
  for (const script of Array.from(candidates)) {
    if (/\/widget\/loader\.js(\?.*)?$/.test(script.src)) return script;
  }
  return null;
}

function whenIdle(fn: () => void): void {
  if (typeof window.requestIdleCallback === "function") window.requestIdleCallback(fn, { timeout: 3000 });
  else setTimeout(fn, 200);
}

function boot(script: HTMLScriptElement, siteKey: string): void {
  const srcUrl = new URL(script.src, location.href);
  const origin = srcUrl.origin;
  const widgetSrc = new URL("widget.js", srcUrl).toString();
  const cobrowseKey = storageKey(siteKey, "cobrowse");
  const store = local();
  const tab = sessionStore();
  const tokenKey = storageKey(siteKey, "token");

  const dispatcher = createDispatcher();
  const stub = window.hovor;
  const queued = stub && stub.q ? Array.from(stub.q) : [];

  let widget: WidgetApi | null = null;
  let current: VisitorSession | null = null;
  let injected = false;
  let wanted = false; // asked for before the session was there: inject as soon as it is

  const inject = (): void => {
    wanted = true;
    if (injected || !window.__hovor) return;
    injected = true;
    const s = document.createElement("script");
    s.async = true;
    s.src = widgetSrc;
    document.head.appendChild(s);
  };

  // cobrowse.js (rrweb) only when a co-browse session concerns this tab.
  let cobrowsing = false;
  const injectCobrowse = (): void => {
    if (cobrowsing) return;
    cobrowsing = true;
    const s = document.createElement("script");
    s.async = true;
    s.src = new URL("cobrowse.js", srcUrl).toString();
    document.head.appendChild(s);
  };

  const fetchSession = async (): Promise<VisitorSession> => {
    const lang = script.dataset.lang || document.documentElement.lang || navigator.language;
    const r = await requestSessionWithRetry(origin, siteKey, () => store.getItem(tokenKey), lang);
    store.setItem(tokenKey, r.token);
    current = { origin, siteKey, token: r.token, visitorId: r.visitor_id, settings: r.settings, lang: script.dataset.lang };
    return current;
  };

  // open/close reach the widget once it is ready (their handlers register in
  // widgetReady); until then they wait in the dispatcher's buffer and ask for
  // widget.js now rather than when the browser is idle.
  const command = (name: string, ...args: unknown[]): void => {
    if (!widget && (name === "open" || name === "close")) inject();
    dispatcher.call(name, ...args);
  };
  window.hovor = Object.assign(command, { loaded: true });
  for (const args of queued) {
    const [name, ...rest] = Array.from(args);
    window.hovor(name as string, ...rest);
  }

  fetchSession().then(
    (first) => {
      const link = new Connection({
        origin,
        siteKey,
        getToken: () => (current ?? first).token,
        renewToken: fetchSession,
      });
      const runtime: HovorRuntime = {
        get session() {
          return current ?? first;
        },
        link,
        widgetReady(api) {
          widget = api;
          dispatcher.register("open", () => api.open());
          dispatcher.register("close", () => api.close());
        },
        register: dispatcher.register,
      };
      window.__hovor = runtime;

      // Chat going on, or an offer to show: the widget is needed now.
      link.subscribe((frame) => {
        const agentMessage = frame.type === "message" && (frame.message as { author_type?: unknown })?.author_type === "agent";
        const ongoing = frame.type === "hello" && (frame.conversation || Number(tab.getItem(storageKey(siteKey, "unread"))) > 0);
        if (frame.type === "offer" || agentMessage || ongoing) inject();
        if (frame.type.startsWith("cobrowse.")) injectCobrowse();
      });
      if (tab.getItem(cobrowseKey)) injectCobrowse();
      link.start();
      try {
        startTracking({ session: () => runtime.session, link, register: dispatcher.register });
      } catch (err) {
        console.error("[hovor] tracker failed to start", err);
      }
      if (wanted || tab.getItem(storageKey(siteKey, "open")) === "1") inject();
      else whenIdle(inject);
    },
    (err: unknown) => {
      const why = err instanceof SessionRefused ? err.message : String(err);
      console.warn(`[hovor] chat disabled: ${why}`);
    },
  );
}

(() => {
  if (window.hovor?.loaded) return; // the snippet was pasted twice
  const script = findOwnScript();
  const siteKey = script?.dataset.site;
  if (!script || !siteKey) {
    console.warn("[hovor] loader.js: no <script data-site> tag found");
    return;
  }
  boot(script, siteKey);
})();
