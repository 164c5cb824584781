// loader.js: the first Hovor script on a customer's page (see the snippet in
// docs/widget-protocol.md). It must stay tiny: the build fails above 6 KB gzip.
//
// 1. find its own <script data-site> tag: site key, server origin;
// 2. replace the snippet's `window.hovor` stub with the real command function
//    and run the queued calls;
// 3. get a visitor token (`POST /v1/widget/session`), keep it in localStorage;
// 4. when the browser is idle (or at once on `hovor("open")`), inject
//    widget.js from the same folder and hand it the session via `window.__hovor`.

import type { HovorRuntime, VisitorSession, WidgetApi } from "./boot";
import { createDispatcher } from "./loader/commands";
import { requestSessionWithRetry, SessionRefused } from "./loader/session";
import { local, storageKey } from "./storage";

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
  const store = local();
  const tokenKey = storageKey(siteKey, "token");

  const dispatcher = createDispatcher();
  const stub = window.hovor;
  const queued = stub && stub.q ? Array.from(stub.q) : [];

  let widget: WidgetApi | null = null;
  let session: VisitorSession | null = null;
  let injected = false;
  let wanted = false; // an early hovor("open") asks for the widget now, not when idle

  const inject = (): void => {
    if (injected || !session) return;
    injected = true;
    const s = document.createElement("script");
    s.async = true;
    s.src = widgetSrc;
    document.head.appendChild(s);
  };

  const fetchSession = async (): Promise<VisitorSession> => {
    const r = await requestSessionWithRetry(origin, siteKey, () => store.getItem(tokenKey));
    store.setItem(tokenKey, r.token);
    session = { origin, siteKey, token: r.token, visitorId: r.visitor_id, settings: r.settings };
    return session;
  };

  // open/close reach the widget once it is ready (their handlers register in
  // widgetReady); until then they wait in the dispatcher's buffer, and an
  // early call asks for widget.js now rather than when the browser is idle.
  const command = (name: string, ...args: unknown[]): void => {
    if (!widget && (name === "open" || name === "close")) {
      wanted = true;
      inject();
    }
    dispatcher.call(name, ...args);
  };
  window.hovor = Object.assign(command, { loaded: true });
  for (const args of queued) {
    const [name, ...rest] = Array.from(args);
    window.hovor(name as string, ...rest);
  }

  fetchSession().then(
    (s) => {
      const runtime: HovorRuntime = {
        session: s,
        renewSession: fetchSession,
        widgetReady(api) {
          widget = api;
          dispatcher.register("open", () => api.open());
          dispatcher.register("close", () => api.close());
        },
        register: dispatcher.register,
      };
      window.__hovor = runtime;
      if (wanted) inject();
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
