import { useNow } from "../inbox/useNow";
import { useRoutingLive } from "./liveStore";
import { HISTORY_WINDOW_MS, trendShape } from "./waitingHistory";

const WIDTH = 300;
const HEIGHT = 64;

/** Total waiting over the last ten minutes, from the live frames this desktop received. */
export function WaitingTrend() {
  const { history } = useRoutingLive();
  const now = useNow(1_000);
  const shape = trendShape(history, now, WIDTH, HEIGHT);
  const latest = history[history.length - 1]?.waiting ?? null;
  const peak = Math.max(0, ...history.map((p) => p.waiting));
  const minutes = Math.round(HISTORY_WINDOW_MS / 60_000);
  return (
    <section className="card chart-card" aria-labelledby="trend-title">
      <header className="card__header">
        <h2 className="card__title" id="trend-title">Waiting, last {minutes} minutes</h2>
        {latest !== null && (
          <span className="card__count" data-testid="trend-latest">
            {latest}
          </span>
        )}
      </header>
      <div className="card__body">
        {shape ? (
          <figure className="trend">
            <svg
              viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
              preserveAspectRatio="none"
              role="img"
              aria-label={`Total waiting over the last ${minutes} minutes; now ${latest}, peak ${peak}`}
              data-testid="waiting-trend"
              data-latest={latest ?? ""}
              data-points={history.length}
            >
              <line x1="0" y1={HEIGHT - 0.5} x2={WIDTH} y2={HEIGHT - 0.5} className="trend__axis" />
              <path d={shape.area} className="trend__area" />
              <path d={shape.line} className="trend__line" vectorEffect="non-scaling-stroke" />
            </svg>
            <figcaption className="trend__labels">
              <span>{minutes} min ago</span>
              <span>peak {peak}</span>
              <span>now</span>
            </figcaption>
          </figure>
        ) : (
          <p className="table__muted">Waiting for the first figures…</p>
        )}
      </div>
    </section>
  );
}
