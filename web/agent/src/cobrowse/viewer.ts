/**
 * The co-browse viewer (cobrowse-viewer.html): an rrweb replayer in live mode.
 * It starts at the first full snapshot (rrweb's Meta event) and rebuilds on
 * each later one, so it follows the visitor across the site's pages. The
 * replay is scaled to the panel; a click on it is turned into the element
 * under the pointer on the visitor's page (rrweb node id) and posted to the
 * desktop, which sends a highlight or, with control granted, a click.
 */
import { Replayer } from "@rrweb/replay";
import "@rrweb/replay/dist/style.css";
import "./viewer.css";
import { isToViewer, type FromViewer } from "./viewerMessages";

const MAX_LAGS = 10_000;
const root = document.getElementById("viewer") as HTMLElement;
let replayer: Replayer | null = null;
let width = 1;
let height = 1;
let lastScroll = 0;

declare global {
  interface Window {
    /** Delays (ms) from a DOM change on the visitor's page to its replay here (bench/cobrowse.py). */
    __hovorLags?: number[];
  }
}
window.__hovorLags = [];

function post(message: FromViewer): void {
  parent.postMessage(message, location.origin);
}

function fit(): void {
  if (!replayer) return;
  const scale = Math.min(1, root.clientWidth / width, Math.max(0.1, (root.clientHeight || height) / height));
  replayer.wrapper.style.transform = `scale(${scale})`;
  replayer.wrapper.style.transformOrigin = "0 0";
  root.style.setProperty("--replay-height", `${Math.round(height * scale)}px`);
}

function add(event: { type: number; timestamp: number; data?: { width?: number; height?: number } }): void {
  if (!replayer) {
    if (event.type !== 4) return; // wait for the first full snapshot
    replayer = new Replayer([], { root, liveMode: true, mouseTail: false, showWarning: false, triggerFocus: false });
    replayer.on("resize", (size) => {
      const s = size as { width: number; height: number };
      width = s.width || width;
      height = s.height || height;
      fit();
    });
    replayer.on("event-cast", (cast) => {
      const e = cast as { type: number; timestamp: number; data?: { source?: number } };
      if (e.type !== 3 || e.data?.source !== 0) return; // DOM mutations only
      const lags = window.__hovorLags ?? [];
      lags.push(Date.now() - e.timestamp);
      if (lags.length > MAX_LAGS) lags.shift();
    });
    // The replay's clock starts at the later of the event's time and now: whatever the two
    // machines' clocks say, each later event is due when it arrives, not a delay after.
    replayer.startLive(Math.max(event.timestamp, Date.now()));
  }
  if (event.type === 4 && event.data?.width && event.data.height) {
    width = event.data.width;
    height = event.data.height;
  }
  replayer.addEvent(event as Parameters<Replayer["addEvent"]>[0]);
}

window.addEventListener("message", (ev) => {
  if (ev.origin !== location.origin || ev.source !== parent || !isToViewer(ev.data)) return;
  if (ev.data.type === "reset") {
    replayer?.destroy();
    replayer = null;
    root.replaceChildren();
    return;
  }
  for (const event of ev.data.events) add(event as Parameters<typeof add>[0]);
});

function pagePoint(ev: MouseEvent): { doc: Document; x: number; y: number; win: Window } | null {
  const frame = replayer?.iframe;
  const doc = frame?.contentDocument;
  const win = frame?.contentWindow;
  if (!frame || !doc || !win) return null;
  const rect = frame.getBoundingClientRect();
  const scale = rect.width / (frame.offsetWidth || 1);
  return { doc, win, x: (ev.clientX - rect.left) / scale, y: (ev.clientY - rect.top) / scale };
}

root.addEventListener("click", (ev) => {
  const at = pagePoint(ev);
  if (!at || !replayer) return;
  const el = at.doc.elementFromPoint(at.x, at.y);
  const id = el ? replayer.getMirror().getId(el) : -1;
  post({
    type: "click",
    node_id: id >= 0 ? id : null,
    x: Math.max(0, at.x + at.win.scrollX),
    y: Math.max(0, at.y + at.win.scrollY),
    shift: ev.shiftKey,
  });
});

root.addEventListener(
  "wheel",
  (ev) => {
    const at = pagePoint(ev);
    if (!at || Date.now() - lastScroll < 100) return;
    lastScroll = Date.now();
    post({ type: "scroll", x: Math.max(0, at.win.scrollX + ev.deltaX), y: Math.max(0, at.win.scrollY + ev.deltaY) });
  },
  { passive: true },
);

new ResizeObserver(fit).observe(root);
post({ type: "ready" });
