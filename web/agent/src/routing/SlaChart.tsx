import { HorizontalBarChart, type Bar } from "./HorizontalBarChart";
import { percentLabel, SLA_GOAL_PERCENT, type WallboardRow } from "./wallboardRows";

/** Today's service level per queue, against the goal. */
export function SlaChart({ rows }: { rows: readonly WallboardRow[] }) {
  const bars: Bar[] = rows.map(({ id, name, today }) => {
    const percent = today?.sla_percent ?? null;
    return {
      key: id,
      label: name,
      value: percent,
      valueLabel: percentLabel(percent),
      tone: percent === null || percent >= SLA_GOAL_PERCENT ? "ok" : percent >= SLA_GOAL_PERCENT / 2 ? "warn" : "danger",
      title:
        percent === null
          ? `${name}: nothing offered yet today`
          : `${name}: ${today!.answered_in_sla} of ${today!.offered} answered within the target (${percentLabel(percent)})`,
      data: { queue: name, percent: percent === null ? "" : String(percent) },
    };
  });
  return (
    <section className="card chart-card" aria-labelledby="sla-chart-title">
      <header className="card__header">
        <h2 className="card__title" id="sla-chart-title">Service level today</h2>
      </header>
      <div className="card__body">
        {bars.length === 0 ? (
          <p className="table__muted">No queues yet.</p>
        ) : (
          <HorizontalBarChart
            bars={bars}
            max={100}
            goal={{ value: SLA_GOAL_PERCENT, label: `goal ${SLA_GOAL_PERCENT} %` }}
            label={`Share answered within the target today, per queue, against a goal of ${SLA_GOAL_PERCENT} %`}
            testId="sla-chart"
            barTestId="sla-bar"
          />
        )}
      </div>
    </section>
  );
}
