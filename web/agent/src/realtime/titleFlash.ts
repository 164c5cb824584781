/** Sound-free attention: alternates the tab title until the agent looks. */
let timer: ReturnType<typeof setInterval> | null = null;
let baseTitle = "";

function stop(): void {
  if (timer) clearInterval(timer);
  timer = null;
  document.title = baseTitle;
}

export function flashTitle(message: string): void {
  if (typeof document === "undefined") return;
  if (document.visibilityState === "visible" && document.hasFocus()) return;
  if (timer) stop();
  baseTitle = document.title;
  let on = false;
  timer = setInterval(() => {
    on = !on;
    document.title = on ? `● ${message}` : baseTitle;
  }, 1_000);
  const onBack = () => {
    window.removeEventListener("focus", onBack);
    document.removeEventListener("visibilitychange", onVisible);
    stop();
  };
  const onVisible = () => {
    if (document.visibilityState === "visible") onBack();
  };
  window.addEventListener("focus", onBack);
  document.addEventListener("visibilitychange", onVisible);
}
