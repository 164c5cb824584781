import { useNow } from "../inbox/useNow";
import { useRoutingLive } from "./liveStore";
import { QueueRow } from "./QueueRow";
import type { WallboardRow } from "./wallboardRows";

/** Every queue: now and today. Longest waits tick every second between frames. */
export function QueueTable({ rows, at }: { rows: readonly WallboardRow[]; at: string | null }) {
  const { clockOffsetMs } = useRoutingLive();
  const now = useNow(1_000);
  return (
    <section className="card" aria-labelledby="queues-now-title">
      <header className="card__header">
        <h2 className="card__title" id="queues-now-title">Queues</h2>
        <span className="card__count">{rows.length}</span>
      </header>
      {rows.length === 0 ? (
        <p className="empty">No queues yet: the first conversation creates “General”, or add queues under Admin → Routing.</p>
      ) : (
        <div className="table-scroll">
          <table className="table wallboard__table">
            <thead>
              <tr>
                <th scope="col">Queue</th>
                <th scope="col" className="table__num">Waiting</th>
                <th scope="col" className="table__num">Longest wait</th>
                <th scope="col">Estimated wait</th>
                <th scope="col" className="table__num" title="Reserved / assigned">Held</th>
                <th scope="col" className="table__num">Unroutable</th>
                <th scope="col" className="table__num">SLA today</th>
                <th scope="col" className="table__num" title="Average speed of answer today">Avg. answer</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <QueueRow key={row.id} row={row} at={at} clockOffsetMs={clockOffsetMs} now={now} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
