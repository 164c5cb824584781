import { HorizontalBarChart, type Bar } from "./HorizontalBarChart";
import type { WallboardRow } from "./wallboardRows";

/** Waiting now per queue; the unroutable part of a bar in red. */
export function WaitingBarChart({ rows }: { rows: readonly WallboardRow[] }) {
  const live = rows.filter((r) => r.live !== null);
  const bars: Bar[] = live.map(({ id, name, live: q }) => ({
    key: id,
    label: name,
    value: q!.waiting,
    valueLabel: String(q!.waiting),
    tone: "ok",
    alarming: q!.unroutable,
    title: `${name}: ${q!.waiting} waiting${q!.unroutable ? `, ${q!.unroutable} unroutable` : ""}`,
    data: { queue: name, waiting: String(q!.waiting) },
  }));
  const max = Math.max(1, ...bars.map((b) => b.value ?? 0));
  return (
    <section className="card chart-card" aria-labelledby="waiting-chart-title">
      <header className="card__header">
        <h2 className="card__title" id="waiting-chart-title">Waiting now</h2>
      </header>
      <div className="card__body">
        {bars.length === 0 ? (
          <p className="table__muted">No queues yet.</p>
        ) : (
          <HorizontalBarChart bars={bars} max={max} label="Waiting now per queue" testId="waiting-chart" barTestId="waiting-bar" />
        )}
      </div>
    </section>
  );
}
