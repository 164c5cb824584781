// The hand-over between loader.js and widget.js. Both are separate scripts,
// so they meet on one typed global, `window.__hovor`, set by the loader
// before it injects widget.js.

import type { WidgetSettings } from "./protocol";

export interface VisitorSession {
  origin: string;
  siteKey: string;
  token: string;
  visitorId: string;
  settings: WidgetSettings;
}

/** What widget.js exposes back to the loader once it has started. */
export interface WidgetApi {
  open(): void;
  close(): void;
}

export type CommandHandler = (...args: unknown[]) => void;

export interface HovorRuntime {
  /** The visitor session obtained by the loader. */
  session: VisitorSession;
  /** Asks the server for a fresh token (after a 4401 close); resolves with the new session. */
  renewSession(): Promise<VisitorSession>;
  /** Called by widget.js when it is ready to take commands. */
  widgetReady(api: WidgetApi): void;
  /** Lets later scripts (e.g. the tracker) add commands such as `track`; queued calls are replayed. */
  register(name: string, handler: CommandHandler): void;
}

export type HovorCommand = (name: string, ...args: unknown[]) => void;

declare global {
  interface Window {
    hovor?: HovorCommand & { q?: ArrayLike<unknown>[]; loaded?: boolean };
    __hovor?: HovorRuntime;
  }
}
