import { useEffect, useState } from "react";
import { useRealtime } from "./RealtimeProvider";

/** Visible only while the live connection is down. */
export function ConnectionBanner() {
  const { status, nextRetryAt, retryNow } = useRealtime();
  const [now, setNow] = useState(() => Date.now());

  useEffect(() => {
    if (status !== "reconnecting") return;
    const timer = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(timer);
  }, [status]);

  if (status !== "reconnecting") return null;
  const seconds = nextRetryAt ? Math.max(0, Math.ceil((nextRetryAt - now) / 1000)) : 0;
  return (
    <div className="connection-banner" role="status" aria-live="polite" data-testid="connection-banner">
      <span className="connection-banner__dot" aria-hidden="true" />
      Connection lost — reconnecting…
      {seconds > 0 && <span className="connection-banner__wait"> next try in {seconds}s</span>}
      <button type="button" className="link-button" onClick={retryNow}>
        Retry now
      </button>
    </div>
  );
}
