// The hand-over between loader.js and widget.js. Both are separate scripts,
// so they meet on one typed global, `window.__hovor`, set by the loader once
// it has a visitor session and has opened the visitor WebSocket.

import type { ClientFrame, WidgetSettings } from "./protocol";

export interface VisitorSession {
  origin: string;
  siteKey: string;
  token: string;
  visitorId: string;
  settings: WidgetSettings;
  /** The snippet's `data-lang`, if any: the widget's language before the page's <html lang>. */
  lang?: string | undefined;
}

/** What widget.js exposes back to the loader once it has started. */
export interface WidgetApi {
  open(): void;
  close(): void;
}

export type CommandHandler = (...args: unknown[]) => void;

export type ConnectionState = "connecting" | "online" | "offline" | "refused";

/** A server frame as received: parsed JSON with a string `type`, not validated further. */
export interface RawFrame {
  type: string;
  [field: string]: unknown;
}

/**
 * The visitor WebSocket, owned by loader.js (src/transport/connection.ts):
 * reconnects with back-off, pings, renews the token on 4401, stops on 4403.
 */
export interface VisitorLink {
  readonly state: ConnectionState;
  /** The server has greeted the current socket (`hello`): frames sent now are read. */
  readonly ready: boolean;
  /** Send one frame now; false when there is no open socket (nothing is queued). */
  send(frame: ClientFrame): boolean;
  /**
   * Every frame from the server, in order. With `replay`, the listener first
   * gets the latest `hello` and the frames received after it (bounded), so a
   * script that loads late (widget.js) misses nothing of the current socket.
   */
  subscribe(listener: (frame: RawFrame) => void, replay?: boolean): () => void;
  /** Connection state changes; the listener is called at once with the current state. */
  watch(listener: (state: ConnectionState) => void): () => void;
  /** Skip the remaining back-off (panel opened, browser back online, ...). */
  reconnectNow(): void;
}

export interface HovorRuntime {
  /** The current visitor session (replaced after a token renewal). */
  readonly session: VisitorSession;
  /** The live connection, shared by the tracker and the widget. */
  link: VisitorLink;
  /** Called by widget.js when it is ready to take commands. */
  widgetReady(api: WidgetApi): void;
  /** Lets later scripts add commands; queued calls are replayed. */
  register(name: string, handler: CommandHandler): void;
}

export type HovorCommand = (name: string, ...args: unknown[]) => void;

declare global {
  interface Window {
    hovor?: HovorCommand & { q?: ArrayLike<unknown>[]; loaded?: boolean };
    __hovor?: HovorRuntime;
  }
}
