// widget.js entry: draws the launcher, the chat panel and offers, over the
// session and the connection the loader already has (`window.__hovor`).
// Loaded lazily by loader.js; never import it from the loader.

import type { HovorRuntime } from "../boot";
import type { Message, Offer, ServerFrame } from "../protocol";
import { local, session as sessionStore, storageKey } from "../storage";
import { ChatConnection } from "./connection";
import { fetchOlderMessages, PAGE_SIZE } from "./history";
import { pageLang, TEXTS } from "./i18n";
import { MessageLog, type FailedEntry } from "./messages";
import { OfferCard } from "./offer";
import { Outbox, type OutboxEntry } from "./outbox";
import { TypingNotifier } from "./typing";
import { csatCard, csatToken } from "./csat";
import { ChatView } from "./view";

/** Hide an agent's typing indicator if the "stopped" frame never comes. */
const TYPING_TIMEOUT_MS = 15_000;

export function startWidget(runtime: HovorRuntime): void {
  const { origin, siteKey, settings, lang: chosen } = runtime.session;
  const lang = pageLang(chosen);
  const t = TEXTS[lang];
  const errorText: Record<string, string> = { rate_limited: t.rateLimited, too_large: t.tooLarge };
  const tabStore = sessionStore();
  const outbox = new Outbox(local(), storageKey(siteKey, "outbox"));
  const log = new MessageLog();
  const failed: FailedEntry[] = [];

  let isOpen = tabStore.getItem(storageKey(siteKey, "open")) === "1";
  let unread = Number(tabStore.getItem(storageKey(siteKey, "unread"))) || 0;
  let greetedOnce = false;
  let hasMore = false;
  let loadingOlder = false;
  let typingTimer: ReturnType<typeof setTimeout> | undefined;

  // Outbox entries seen so far, remembered so a refused one can still be shown.
  const bodies = new Map<string, OutboxEntry>();

  const render = (opts: { prepended?: boolean; forceBottom?: boolean } = {}): void => {
    const pending = outbox.entries();
    for (const e of pending) bodies.set(e.client_id, e);
    view.renderMessages(log.view(pending, failed), opts);
  };

  const setUnread = (count: number): void => {
    unread = count;
    tabStore.setItem(storageKey(siteKey, "unread"), String(count));
    view.setUnread(count);
  };

  const setOpen = (open: boolean, focus = true): void => {
    isOpen = open;
    tabStore.setItem(storageKey(siteKey, "open"), open ? "1" : "0");
    view.setOpen(open, focus);
    if (open) {
      offers.hide(); // the panel covers the card's place; an open chat answers it anyway
      setUnread(0);
      connection.reconnectNow();
    } else {
      typing.stop();
    }
  };

  const showAgentTyping = (name: string | null): void => {
    clearTimeout(typingTimer);
    view.setTyping(name);
    if (name !== null) typingTimer = setTimeout(() => view.setTyping(null), TYPING_TIMEOUT_MS);
  };

  /** New stored messages arrived; count the agent's ones as unread while closed. */
  const received = (messages: readonly Message[], countUnread: boolean): void => {
    const fresh = log.addAll(messages);
    if (fresh.some((m) => m.author_type === "agent")) showAgentTyping(null);
    if (countUnread && !isOpen) {
      const agentMessages = fresh.filter((m) => m.author_type === "agent").length;
      if (agentMessages) setUnread(unread + agentMessages);
    }
    render();
  };

  const onFrame = (frame: ServerFrame): void => {
    switch (frame.type) {
      case "hello":
        // The first hello of a page load is history already seen on earlier
        // pages; later ones may carry what arrived while we were offline.
        received(frame.messages, greetedOnce);
        if (!greetedOnce) hasMore = frame.messages.length >= PAGE_SIZE;
        greetedOnce = true;
        break;
      case "message.ack":
        received([frame.message], false);
        break;
      case "message":
        received([frame.message], true);
        break;
      case "typing":
        showAgentTyping(frame.state ? frame.author_name || t.agent : null);
        break;
      case "conversation":
        break;
      case "error": {
        if (frame.client_id?.startsWith("cb-")) break; // a co-browse batch's: cobrowse.js answers it
        // The connection already dropped a refused message from the outbox;
        // keep showing it, marked as not sent, so the visitor can retype it.
        const text = errorText[frame.code] ?? frame.detail;
        const refused = frame.client_id ? bodies.get(frame.client_id) : undefined;
        if (refused) {
          failed.push({ ...refused, error: text });
          render();
        }
        view.showNotice(text);
        break;
      }
      case "offer":
        showOffer(frame.offer);
        break;
      case "pong":
        break;
    }
  };

  // Offers: the loader injected widget.js as soon as one arrived; the replayed frame lands here.
  const showOffer = (offer: Offer): void => {
    if (offers.show(offer)) connection.send({ type: "offer.shown", offer_id: offer.id });
  };

  const loadOlder = (): void => {
    const before = log.oldestId();
    if (!hasMore || loadingOlder || !before) return;
    loadingOlder = true;
    view.setLoadingOlder(true);
    fetchOlderMessages(origin, runtime.session.token, before)
      .then((page) => {
        hasMore = page.has_more;
        log.addAll(page.items);
        render({ prepended: true });
      })
      .catch(() => {
        hasMore = false; // do not retry on every scroll event
      })
      .finally(() => {
        loadingOlder = false;
        view.setLoadingOlder(false);
      });
  };

  const connection = new ChatConnection({
    link: runtime.link,
    outbox,
    onFrame,
    onState: (state) => {
      view.setStatus(state);
      if (state === "refused") view.showNotice(t.unavailable, 10_000);
    },
    onOutboxChange: () => render(),
  });

  const typing = new TypingNotifier((state) => connection.sendTyping(state));

  const view = new ChatView(
    settings,
    {
      onOpen: () => setOpen(true),
      onClose: () => setOpen(false),
      onSend: (body) => {
        typing.stop();
        if (connection.sendMessage(body)) render({ forceBottom: true });
      },
      onInput: () => typing.input(),
      onScrollTop: loadOlder,
      card: (body) => {
        const token = csatToken(body, origin);
        return token ? csatCard(token, origin, lang) : null;
      },
    },
    lang,
  );

  // Another tab sent or acknowledged something: redraw the pending ones.
  window.addEventListener("storage", (ev) => {
    if (ev.key === storageKey(siteKey, "outbox")) render();
  });

  view.mount();
  const shadow = view.host.shadowRoot as ShadowRoot; // open, made by the view
  const offers = new OfferCard(
    shadow.querySelector<HTMLElement>(".hv") ?? view.host,
    shadow,
    {
      onAccept: (offer, answer) => {
        connection.send({ type: "offer.accepted", offer_id: offer.id, ...answer });
        if (offer.kind === "chat" || offer.kind === "message") setOpen(true);
      },
      onDecline: (offer) => connection.send({ type: "offer.declined", offer_id: offer.id }),
    },
    lang,
  );
  view.setUnread(unread);
  render();
  setOpen(isOpen, false);
  connection.start();

  runtime.widgetReady({ open: () => setOpen(true), close: () => setOpen(false) });
}

const runtime = window.__hovor;
if (runtime && !document.getElementById("hovor-root")) {
  const boot = (): void => {
    try {
      startWidget(runtime);
    } catch (err) {
      console.error("[hovor] widget failed to start", err);
    }
  };
  if (document.body) boot();
  else document.addEventListener("DOMContentLoaded", boot, { once: true });
} else if (!runtime) {
  console.warn("[hovor] widget.js must be loaded by loader.js");
}
