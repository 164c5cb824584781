/** The dashboard's charts (recharts), each with its numbers beside or under it. */
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { formatNumber, guardReasons, heatShares, WEEKDAYS } from "./format";
import type { EngagementRowOut, OverviewOut } from "./queries";

const ACCENT = "#3056d3";
const SOFT = "#8aa4f0";
const OK = "#1f8a4c";

export function FunnelChart({ row }: { row: EngagementRowOut | null | undefined }) {
  const f = row?.funnel;
  const steps = f
    ? [
        { step: "Matched", value: f.matched },
        { step: "Guarded", value: f.guarded },
        { step: "Offered", value: f.offered },
        { step: "Shown", value: f.shown },
        { step: "Accepted", value: f.accepted },
        { step: "Conversation", value: f.conversation },
        { step: "Order", value: f.order },
      ]
    : [];
  const reasons = f ? guardReasons(f.guarded_by_reason) : [];
  return (
    <figure className="card analytics__chart" data-testid="chart-funnel">
      <figcaption className="card__header">
        <span className="card__title">Engagement funnel</span>
        {f && <span className="card__count">{formatNumber(f.held_out)} held out as control</span>}
      </figcaption>
      <div className="card__body">
        {steps.length === 0 ? (
          <p className="empty">No offers in this period.</p>
        ) : (
          <div className="analytics__split">
            <ResponsiveContainer width="100%" height={220}>
              <BarChart data={steps} layout="vertical" margin={{ left: 24, right: 16 }}>
                <CartesianGrid horizontal={false} strokeDasharray="3 3" />
                <XAxis type="number" allowDecimals={false} />
                <YAxis type="category" dataKey="step" width={96} />
                <Tooltip />
                <Bar dataKey="value" name="Visitors" fill={ACCENT} isAnimationActive={false} />
              </BarChart>
            </ResponsiveContainer>
            <dl className="analytics__numbers">
              {steps.map((s) => (
                <div key={s.step}>
                  <dt>{s.step}</dt>
                  <dd data-testid={`funnel-${s.step.toLowerCase()}`}>{formatNumber(s.value)}</dd>
                </div>
              ))}
            </dl>
          </div>
        )}
        {reasons.length > 0 && (
          <p className="analytics__note" data-testid="funnel-guarded-reasons">
            Guarded: {reasons.map(([label, n]) => `${label} ${formatNumber(n)}`).join(", ")}
          </p>
        )}
      </div>
    </figure>
  );
}

export function TrendChart({ trend }: { trend: OverviewOut["trend"] }) {
  const data = trend.map((d) => ({
    day: String(d.day).slice(5),
    offers: Number(d["t.offers"] ?? 0),
    accepted: Number(d["t.accepted"] ?? 0),
    orders: Number(d["t.converted"] ?? 0),
    conversations: Number(d.conversations ?? 0),
  }));
  return (
    <figure className="card analytics__chart" data-testid="chart-trend">
      <figcaption className="card__header">
        <span className="card__title">Per day</span>
      </figcaption>
      <div className="card__body">
        <ResponsiveContainer width="100%" height={220}>
          <LineChart data={data} margin={{ right: 16 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="day" />
            <YAxis allowDecimals={false} />
            <Tooltip />
            <Legend />
            <Line type="monotone" dataKey="offers" name="Offers" stroke={SOFT} dot={false} isAnimationActive={false} />
            <Line type="monotone" dataKey="accepted" name="Accepted" stroke={ACCENT} dot={false} isAnimationActive={false} />
            <Line type="monotone" dataKey="orders" name="Orders won" stroke={OK} dot={false} isAnimationActive={false} />
            <Line type="monotone" dataKey="conversations" name="Conversations" stroke="#b7791f" dot={false} isAnimationActive={false} />
          </LineChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}

export function DistributionChart({ title, buckets, testId }: { title: string; buckets: OverviewOut["first_response"]; testId: string }) {
  const total = buckets.reduce((sum, b) => sum + b.count, 0);
  return (
    <figure className="card analytics__chart" data-testid={testId}>
      <figcaption className="card__header">
        <span className="card__title">{title}</span>
        <span className="card__count">{formatNumber(total)} conversations</span>
      </figcaption>
      <div className="card__body">
        <ResponsiveContainer width="100%" height={200}>
          <BarChart data={buckets} margin={{ right: 16 }}>
            <CartesianGrid vertical={false} strokeDasharray="3 3" />
            <XAxis dataKey="bucket" interval={0} fontSize={11} />
            <YAxis allowDecimals={false} />
            <Tooltip />
            <Bar dataKey="count" name="Conversations" fill={ACCENT} isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}

/** Hour x weekday (local time) of conversations opened: a CSS grid, shade by share of the busiest hour. */
export function HeatMap({ grid }: { grid: number[][] }) {
  const shares = heatShares(grid);
  return (
    <figure className="card analytics__chart" data-testid="chart-heatmap">
      <figcaption className="card__header">
        <span className="card__title">Conversations by hour and weekday</span>
      </figcaption>
      <div className="card__body">
        <table className="heatmap" aria-label="Conversations opened per hour of the week">
          <thead>
            <tr>
              <th scope="col" />
              {Array.from({ length: 24 }, (_, h) => (
                <th scope="col" key={h}>{h % 3 === 0 ? h : ""}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {grid.map((row, day) => (
              <tr key={WEEKDAYS[day]}>
                <th scope="row">{WEEKDAYS[day]}</th>
                {row.map((count, hour) => (
                  <td
                    key={hour}
                    className="heatmap__cell"
                    title={`${WEEKDAYS[day]} ${hour}:00 – ${formatNumber(count)}`}
                    style={{ background: `rgba(48, 86, 211, ${0.06 + 0.94 * (shares[day]?.[hour] ?? 0)})` }}
                  />
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}
