// The visitor tracker, part of loader.js: starts once the loader has a
// session and a live link, registers `hovor('track' | 'identify' | 'consent')`,
// and sends the automatic events (page.view, page.leave, idle, data attributes).

import type { CommandHandler, VisitorLink, VisitorSession } from "../boot";
import { local, session as sessionStore, storageKey, type KeyValueStore } from "../storage";
import { EventBuffer } from "./buffer";
import { DomWatcher } from "./dom";
import type { Props } from "./event";
import { IdleWatcher } from "./idle";
import { pageInfo, pageType, pageViewProps } from "./page";
import { Tracker } from "./tracker";

export interface TrackingDeps {
  session: () => VisitorSession;
  link: VisitorLink;
  register(name: string, handler: CommandHandler): void;
  store?: KeyValueStore;
}

/**
 * Consent: an explicit `hovor('consent', true|false)` (remembered in
 * `hovor:<site>:consent`) wins; without one, tracking is on unless the site
 * key's settings say `require_consent`.
 */
export function consentGiven(explicit: string | null, requireConsent: boolean): boolean {
  return explicit === "1" || (explicit !== "0" && !requireConsent);
}

export function startTracking({ session, link, register, store = local() }: TrackingDeps): Tracker {
  const { origin, siteKey, settings } = session();
  const consentKey = storageKey(siteKey, "consent");
  const tracker = new Tracker({
    link,
    buffer: new EventBuffer(store, storageKey(siteKey, "events")),
    beacon(events) {
      const { token } = session();
      const url = `${origin}/v1/track?site=${encodeURIComponent(siteKey)}&token=${encodeURIComponent(token)}`;
      // A string body is sent as text/plain: no CORS preflight.
      return typeof navigator.sendBeacon === "function" && navigator.sendBeacon(url, JSON.stringify({ events }));
    },
  });

  const emit = (type: unknown, props?: unknown, full = false): void => {
    try {
      tracker.track(type, props, pageInfo(full, session().lang));
    } catch (err) {
      console.warn(`[hovor] ${(err as Error).message}`);
    }
  };

  let started = false;
  const startAutomatic = (): void => {
    if (started) return;
    started = true;
    // The first page.view of a browser session carries the landing page and its UTM parameters.
    const tab = sessionStore();
    const landedKey = storageKey(siteKey, "landed");
    emit("page.view", pageViewProps(location.href, !tab.getItem(landedKey), pageType()), true);
    tab.setItem(landedKey, "1");

    // Dwell time: how long the page was visible, sent as page.leave when it goes away.
    let visibleMs = 0;
    let visibleSince: number | null = document.visibilityState === "hidden" ? null : Date.now();
    const pause = (): void => {
      if (visibleSince !== null) visibleMs += Date.now() - visibleSince;
      visibleSince = null;
    };
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "hidden") {
        pause();
        tracker.beaconFlush();
      } else visibleSince = Date.now();
    });
    window.addEventListener("pagehide", () => {
      pause();
      emit("page.leave", { dwell_seconds: Math.round(visibleMs / 1000) });
      tracker.beaconFlush();
    });
    window.addEventListener("pageshow", (ev) => {
      if (ev.persisted) visibleSince = Date.now(); // back from the bfcache
    });

    new IdleWatcher((seconds) => emit("idle", { seconds })).start();
    const watcher = new DomWatcher((type, props: Props) => emit(type, props));
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", () => watcher.start());
    else watcher.start();
  };

  const apply = (): void => {
    const on = consentGiven(store.getItem(consentKey), settings.require_consent === true);
    tracker.setEnabled(on);
    if (on) startAutomatic();
  };

  // `consent` first: a consent(false) queued in the snippet before the first
  // event must win over it; then the automatic events; then queued track calls.
  register("consent", (given) => {
    store.setItem(consentKey, given === true ? "1" : "0");
    apply();
  });
  apply();
  register("track", (type, props) => emit(type, props ?? {}));
  register("identify", (traits) => emit("identify", traits ?? {}));
  return tracker;
}
