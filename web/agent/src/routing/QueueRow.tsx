import { formatDuration } from "../ui/duration";
import { useChannels } from "../channels/catalogue";
import { longestWaitNow, percentLabel, type WallboardRow } from "./wallboardRows";

/** One queue on the wallboard: now (waiting, longest and estimated wait, held) and today. */
export function QueueRow({ row, at, clockOffsetMs, now }: { row: WallboardRow; at: string | null; clockOffsetMs: number; now: number }) {
  const channels = useChannels();
  const { live, today } = row;
  const longest = live && at ? longestWaitNow(live, at, clockOffsetMs, now) : 0;
  const estimates = live ? Object.entries(live.estimated_wait_seconds) : [];
  return (
    <tr data-testid="wallboard-queue" data-queue-name={row.name} className={live && live.unroutable > 0 ? "wallboard__row--alarm" : undefined}>
      <th scope="row" className="table__name">
        {row.name}
        {!live && <span className="chip chip--muted">not routing</span>}
      </th>
      <td className="table__num wallboard__big" data-testid="queue-waiting">
        {live ? live.waiting : "—"}
      </td>
      <td className="table__num" data-testid="queue-longest-wait">
        {live && live.waiting > 0 ? formatDuration(longest) : "—"}
      </td>
      <td data-testid="queue-estimated-wait">
        {estimates.length === 0
          ? "—"
          : estimates.map(([channel, seconds]) => (
              <div key={channel} className="wallboard__estimate">
                <span className="table__muted">{channels.label(channel)}</span>{" "}
                {seconds === null ? <span title="No available agent could take it">no agent</span> : formatDuration(seconds)}
              </div>
            ))}
      </td>
      <td className="table__num" data-testid="queue-held">
        {live ? (
          <>
            <span title="Reserved (offered to an agent)">{live.reserved}</span> / <span title="Assigned">{live.assigned}</span>
          </>
        ) : (
          "—"
        )}
      </td>
      <td className="table__num" data-testid="queue-unroutable">
        {live && live.unroutable > 0 ? <span className="chip chip--danger">{live.unroutable}</span> : live ? "0" : "—"}
      </td>
      <td className="table__num" data-testid="queue-sla">
        <strong>{percentLabel(today?.sla_percent)}</strong>
        {today && today.offered > 0 && (
          <div className="wallboard__sub" title={`${today.answered_in_sla} answered within the target; ${today.abandoned} abandoned`}>
            {today.answered}/{today.offered} answered
          </div>
        )}
      </td>
      <td className="table__num" data-testid="queue-asa">
        {today?.average_answer_seconds === null || today?.average_answer_seconds === undefined ? "—" : formatDuration(today.average_answer_seconds)}
      </td>
    </tr>
  );
}
