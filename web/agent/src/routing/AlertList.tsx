import { selectConversation } from "../app/selection";
import { useNow } from "../inbox/useNow";
import { relativeTime } from "../inbox/relativeTime";
import { ALERT_LABELS } from "./alerts";
import { useChannels } from "../channels/catalogue";
import { useRoutingLive } from "./liveStore";

const TONES = { sla_warning: "chip--warn", sla_breached: "chip--danger", unroutable: "chip--danger" } as const;

/** SLA warnings, breaches and unroutable tasks since this desktop opened, newest first. */
export function AlertList() {
  const channels = useChannels();
  const { alerts } = useRoutingLive();
  const now = useNow(15_000);
  return (
    <section className="card" aria-labelledby="alerts-title">
      <header className="card__header">
        <h2 className="card__title" id="alerts-title">Recent alerts</h2>
        {alerts.length > 0 && <span className="card__count">{alerts.length}</span>}
      </header>
      {alerts.length === 0 ? (
        <p className="empty empty--compact">No alerts since you opened the desktop.</p>
      ) : (
        <ul className="alert-list" data-testid="routing-alerts">
          {alerts.map((alert) => (
            <li key={`${alert.kind}-${alert.task.id}`} className="alert-list__item" data-testid="routing-alert" data-kind={alert.kind}>
              <span className={`chip ${TONES[alert.kind]}`}>{ALERT_LABELS[alert.kind]}</span>
              <span className="alert-list__what">
                {channels.label(alert.task.channel)} in {alert.task.queue_name ?? "a queue"}
              </span>
              <span className="alert-list__when">{relativeTime(new Date(alert.at).toISOString(), now)}</span>
              <button type="button" className="link-button" onClick={() => selectConversation(alert.task.conversation_id)}>
                Open
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
