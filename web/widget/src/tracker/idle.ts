// `idle` events: the visitor did nothing (no mouse, key, touch, scroll) on a
// visible page for 30 s, then 60 s, then 120 s. Any input starts over; a
// hidden tab is not idle on the page, so the count pauses while hidden.

export const IDLE_STEPS = [30, 60, 120];
const INPUTS = ["mousemove", "mousedown", "keydown", "touchstart", "scroll", "wheel"];

export class IdleWatcher {
  private last = 0;
  private step = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly onInput = (): void => {
    this.last = Date.now();
    // While the first timer runs it re-checks `last` when it fires, so a
    // mousemove costs a timestamp, not a new timer.
    if (this.step > 0 || this.timer === undefined) this.restart();
  };
  private readonly onVisibility = (): void => {
    if (document.visibilityState === "hidden") this.pause();
    else this.onInput();
  };

  constructor(
    private readonly onIdle: (seconds: number) => void,
    private readonly steps: readonly number[] = IDLE_STEPS,
  ) {}

  start(): void {
    const opts = { capture: true, passive: true };
    for (const type of INPUTS) window.addEventListener(type, this.onInput, opts);
    document.addEventListener("visibilitychange", this.onVisibility);
    if (document.visibilityState !== "hidden") this.onInput();
  }

  stop(): void {
    for (const type of INPUTS) window.removeEventListener(type, this.onInput, true);
    document.removeEventListener("visibilitychange", this.onVisibility);
    this.pause();
  }

  private pause(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private restart(): void {
    this.step = 0;
    this.arm();
  }

  private arm(): void {
    this.pause();
    const seconds = this.steps[this.step];
    if (seconds === undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (Date.now() - this.last >= seconds * 1000) {
        this.step++;
        this.onIdle(seconds);
      }
      this.arm();
    }, Math.max(0, this.last + seconds * 1000 - Date.now()));
  }
}
