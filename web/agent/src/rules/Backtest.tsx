import { useState } from "react";
import { errorMessage } from "../api/client";
import { formatDateTime } from "../ui/dateTime";
import { firingsPerDay, type DayBucket } from "./backtestBuckets";
import { useBacktest, type BacktestOut, type Firing, type RuleData } from "./queries";

const MIN_DAYS = 1;
const MAX_DAYS = 30;

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString()} ${n === 1 ? one : many}`;
}

function dayLabel(day: string): string {
  const [y, m, d] = day.split("-").map(Number);
  return new Date(y!, m! - 1, d!).toLocaleDateString(undefined, { day: "numeric", month: "short" });
}

/** Firings per day as bars (inline SVG; the numbers are in its title and the table). */
function DayChart({ buckets }: { buckets: DayBucket[] }) {
  const width = 100;
  const height = 40;
  const max = Math.max(1, ...buckets.map((b) => b.count));
  const slot = width / buckets.length;
  const bar = Math.max(0.6, slot * 0.7);
  const first = buckets[0];
  const last = buckets[buckets.length - 1];
  return (
    <figure className="day-chart">
      <svg viewBox={`0 0 ${width} ${height}`} preserveAspectRatio="none" role="img" aria-label="Firings per day" data-testid="backtest-chart">
        <line x1="0" y1={height - 0.25} x2={width} y2={height - 0.25} className="day-chart__axis" />
        {buckets.map((b, i) => {
          const h = b.count === 0 ? 0 : Math.max(1.5, (b.count / max) * (height - 4));
          return (
            <rect key={b.day} x={i * slot + (slot - bar) / 2} y={height - h} width={bar} height={h} className="day-chart__bar" data-count={b.count}>
              <title>{`${dayLabel(b.day)}: ${b.count}`}</title>
            </rect>
          );
        })}
      </svg>
      <figcaption className="day-chart__axis-labels">
        <span>{first ? dayLabel(first.day) : ""}</span>
        <span>peak {max === 1 && buckets.every((b) => b.count === 0) ? 0 : max}/day</span>
        <span>{last ? dayLabel(last.day) : ""}</span>
      </figcaption>
    </figure>
  );
}

/** A back-test's answer: how often, for whom, per day, and the first firings (also the new-rule preview's). */
export function BacktestResult({ result }: { result: BacktestOut }) {
  const firings = result.firings as unknown as Firing[];
  const buckets = firingsPerDay(firings, result.days);
  return (
    <div className="backtest__result" data-testid="backtest-result" data-fired={result.fired}>
      <p className="backtest__sentence">
        Would have fired <strong>{plural(result.fired, "time")}</strong> for <strong>{plural(result.visitors_fired, "visitor")}</strong>
        <span className="backtest__scanned">
          {" "}
          (of {plural(result.visitors_scanned, "visitor")}, {plural(result.sessions_scanned, "session")}, {plural(result.events_scanned, "event")} scanned)
        </span>
        ; blocked by guards <strong>{result.blocked_by_guards.toLocaleString()}</strong>.
      </p>
      {result.fired > 0 && (
        <>
          <DayChart buckets={buckets} />
          {firings.length < result.fired && (
            <p className="field__hint">The chart and the table show the first {firings.length} firings.</p>
          )}
          <div className="backtest__table">
            <table className="table table--compact">
              <thead>
                <tr>
                  <th>Visitor</th>
                  <th>Session</th>
                  <th>Time</th>
                  <th>Text</th>
                </tr>
              </thead>
              <tbody>
                {firings.map((f, i) => (
                  <tr key={`${f.visitor_id}-${f.at}-${i}`} data-testid="backtest-firing">
                    <td>
                      <code title={f.visitor_id}>{f.visitor_id.slice(-8)}</code>
                    </td>
                    <td>{f.session_id ? <code title={f.session_id}>{f.session_id.slice(-8)}</code> : "—"}</td>
                    <td className="table__muted">{formatDateTime(f.at)}</td>
                    <td className="backtest__text">{f.text}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </div>
  );
}

/** Replays the stored events of the last days through the rule as it is in the form now. */
export function Backtest({ data, reason }: { data: RuleData | null; reason: string | null }) {
  const run = useBacktest();
  const [days, setDays] = useState("7");
  const n = Number(days);
  const daysOk = Number.isInteger(n) && n >= MIN_DAYS && n <= MAX_DAYS;
  return (
    <section className="card backtest" aria-labelledby="backtest-title">
      <header className="card__header">
        <h2 className="card__title" id="backtest-title">Back-test</h2>
      </header>
      <div className="card__body backtest__body">
        <div className="backtest__controls">
          <label className="backtest__days">
            <span>Last</span>
            <input
              type="number"
              min={MIN_DAYS}
              max={MAX_DAYS}
              step={1}
              data-testid="backtest-days"
              value={days}
              aria-invalid={!daysOk}
              onChange={(e) => setDays(e.target.value)}
            />
            <span>days</span>
          </label>
          <button
            type="button"
            className="button"
            data-testid="backtest-run"
            disabled={!data || !daysOk || run.isPending}
            title={reason ?? undefined}
            onClick={() => data && run.mutate({ data, days: n })}
          >
            {run.isPending ? "Replaying…" : "Run back-test"}
          </button>
        </div>
        <p className="field__hint">
          {daysOk ? "Uses the rule as it is in the form, saved or not. Pacing and the control group are not replayed." : `Between ${MIN_DAYS} and ${MAX_DAYS} days.`}
        </p>
        {run.isError && (
          <p className="form-error" role="alert">
            {errorMessage(run.error)}
          </p>
        )}
        {run.data && <BacktestResult result={run.data} />}
      </div>
    </section>
  );
}
