import type { Presence } from "../api/client";
import { PRESENCE_LABELS } from "./presenceChoices";

/** A person's status as a dot and a word, with the reason if they gave one. */
export function PresenceStatus({ presence, reason }: { presence: Presence; reason?: string | null }) {
  return (
    <span className={`status status--${presence}`} data-testid="presence-status" data-presence={presence}>
      <span className="status__dot" aria-hidden="true" />
      {PRESENCE_LABELS[presence]}
      {reason ? <span className="status__reason"> · {reason}</span> : null}
    </span>
  );
}
