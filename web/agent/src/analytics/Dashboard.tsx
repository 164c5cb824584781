import { useState } from "react";
import { errorMessage } from "../api/client";
import { DistributionChart, FunnelChart, HeatMap, TrendChart } from "./Charts";
import { formatNumber, formatRate, formatSeconds, formatUplift, isoDay, upliftVerdict, type UpliftFigure } from "./format";
import {
  csvUrl,
  useEngagement,
  useOverview,
  useService,
  type EngagementDim,
  type EngagementRowOut,
  type Period,
  type ServiceDim,
  type ServiceRowOut,
} from "./queries";
import "./analytics.css";

const TZ = Intl.DateTimeFormat().resolvedOptions().timeZone || "Europe/Prague";

/** Engagement (does it pay off?) and service figures for a period, from the hourly rollups. */
export default function Dashboard() {
  const today = new Date();
  const [period, setPeriod] = useState<Period>({ from: isoDay(today, 29), to: isoDay(today), tz: TZ });
  const [engagementDim, setEngagementDim] = useState<EngagementDim>("rule");
  const [serviceDim, setServiceDim] = useState<ServiceDim>("channel");
  const overview = useOverview(period);
  const engagement = useEngagement(period, engagementDim);
  const service = useService(period, serviceDim);
  const o = overview.data;

  return (
    <section className="admin analytics" aria-labelledby="analytics-title" data-testid="analytics">
      <header className="admin__header area__header">
        <div className="admin__heading">
          <h1 className="admin__title" id="analytics-title">Analytics</h1>
          <p className="admin__sub">Offers against the control group, and how the team serves customers</p>
        </div>
        <form className="analytics__period" onSubmit={(e) => e.preventDefault()} aria-label="Period">
          <label className="field">
            <span className="field__label">From</span>
            <input type="date" value={period.from} max={period.to} data-testid="period-from"
              onChange={(e) => e.target.value && setPeriod((p) => ({ ...p, from: e.target.value }))} />
          </label>
          <label className="field">
            <span className="field__label">To</span>
            <input type="date" value={period.to} min={period.from} data-testid="period-to"
              onChange={(e) => e.target.value && setPeriod((p) => ({ ...p, to: e.target.value }))} />
          </label>
        </form>
      </header>
      <div className="admin__body analytics__body">
        {overview.isError && (
          <div className="empty empty--error" role="alert">
            <p>{errorMessage(overview.error)}</p>
            <button type="button" className="button" onClick={() => void overview.refetch()}>Try again</button>
          </div>
        )}
        {overview.isPending ? (
          <p className="empty">Loading the figures…</p>
        ) : o ? (
          <>
            <Tiles engagement={o.engagement ?? null} service={o.service ?? null} />
            <div className="analytics__charts">
              <FunnelChart row={o.engagement} />
              <TrendChart trend={o.trend} />
              <DistributionChart title="First response time" buckets={o.first_response} testId="chart-first-response" />
              <DistributionChart title="Resolution time" buckets={o.resolution} testId="chart-resolution" />
              <HeatMap grid={o.heat_map} />
            </div>
          </>
        ) : null}
        <section className="card" aria-labelledby="engagement-title" data-testid="engagement-report">
          <header className="card__header analytics__tableHeader">
            <span className="card__title" id="engagement-title">Engagement by</span>
            <select aria-label="Engagement by" value={engagementDim} data-testid="engagement-dim"
              onChange={(e) => setEngagementDim(e.target.value as EngagementDim)}>
              <option value="rule">rule</option>
              <option value="kind">offer type</option>
              <option value="page">page</option>
            </select>
            <a className="button button--ghost" href={csvUrl("engagement", period, engagementDim)} download data-testid="engagement-csv">CSV</a>
          </header>
          {engagement.isError ? (
            <p className="empty empty--error" role="alert">{errorMessage(engagement.error)}</p>
          ) : (
            <EngagementTable rows={engagement.data?.rows ?? []} hours={engagement.data?.attribution_hours ?? 24} />
          )}
        </section>
        <section className="card" aria-labelledby="service-title" data-testid="service-report">
          <header className="card__header analytics__tableHeader">
            <span className="card__title" id="service-title">Service by</span>
            <select aria-label="Service by" value={serviceDim} data-testid="service-dim"
              onChange={(e) => setServiceDim(e.target.value as ServiceDim)}>
              <option value="channel">channel</option>
              <option value="queue">queue</option>
              <option value="team">team</option>
              <option value="agent">agent</option>
            </select>
            <a className="button button--ghost" href={csvUrl("service", period, serviceDim)} download data-testid="service-csv">CSV</a>
          </header>
          {service.isError ? (
            <p className="empty empty--error" role="alert">{errorMessage(service.error)}</p>
          ) : (
            <ServiceTable rows={service.data?.rows ?? []} />
          )}
        </section>
      </div>
    </section>
  );
}

function Tiles({ engagement, service }: { engagement: EngagementRowOut | null; service: ServiceRowOut | null }) {
  const tiles: [string, string, string][] = [
    ["Conversion uplift", engagement ? formatUplift(engagement.conversion_uplift) : "–", "tile-uplift"],
    ["Revenue attributed", engagement ? formatNumber(engagement.revenue_attributed) : "–", "tile-revenue"],
    ["Agent minutes per order", formatNumber(engagement?.agent_minutes_per_order, 1), "tile-minutes"],
    ["Conversations", formatNumber(service?.conversations), "tile-conversations"],
    ["First response", formatSeconds(service?.first_response_seconds), "tile-frt"],
    ["FCR", formatRate(service?.fcr_rate), "tile-fcr"],
    ["CSAT", formatRate(service?.csat_rate), "tile-csat"],
    ["Service level", formatRate(service?.service_level), "tile-sl"],
    ["Occupancy", formatRate(service?.occupancy), "tile-occupancy"],
  ];
  return (
    <dl className="analytics__tiles">
      {tiles.map(([label, value, id]) => (
        <div className="analytics__tile" key={id}>
          <dt>{label}</dt>
          <dd data-testid={id}>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function Verdict({ u }: { u: UpliftFigure }) {
  const verdict = upliftVerdict(u);
  if (verdict === "too_small") return <span className="chip chip--warn">sample too small to tell</span>;
  if (verdict === "significant") return <span className="chip chip--ok">significant</span>;
  return <span className="chip chip--muted">no clear difference</span>;
}

function EngagementTable({ rows, hours }: { rows: EngagementRowOut[]; hours: number }) {
  if (rows.length === 0) return <p className="empty">No offers in this period.</p>;
  return (
    <div className="analytics__scroll">
      <table className="table analytics__table">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">n</th>
            <th scope="col">Matched → guarded → offered → shown → accepted → chat → order</th>
            <th scope="col">Conversion (offered / control)</th>
            <th scope="col">Conversion uplift</th>
            <th scope="col">Order value uplift</th>
            <th scope="col" title={`orders within ${hours} h of the offer`}>Revenue ({hours} h)</th>
            <th scope="col">Agent min / order</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.key} data-testid="engagement-row">
              <th scope="row">{r.key}</th>
              <td>{formatNumber(r.funnel.eligible)}</td>
              <td>
                {[r.funnel.matched, r.funnel.guarded, r.funnel.offered, r.funnel.shown, r.funnel.accepted, r.funnel.conversation, r.funnel.order].map(formatNumber).join(" → ")}
              </td>
              <td>{formatRate(r.treated.rate)} / {formatRate(r.control.rate)}</td>
              <td data-testid="conversion-uplift">
                {formatUplift(r.conversion_uplift)} <Verdict u={r.conversion_uplift} />
              </td>
              <td>{formatUplift(r.order_value_uplift)} <Verdict u={r.order_value_uplift} /></td>
              <td>{formatNumber(r.revenue_attributed)}</td>
              <td>{formatNumber(r.agent_minutes_per_order, 1)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ServiceTable({ rows }: { rows: ServiceRowOut[] }) {
  if (rows.length === 0) return <p className="empty">No conversations in this period.</p>;
  return (
    <div className="analytics__scroll">
      <table className="table analytics__table">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Conversations</th>
            <th scope="col">FCR</th>
            <th scope="col">Resolution</th>
            <th scope="col">First response</th>
            <th scope="col">CSAT</th>
            <th scope="col">Repeat 7 d</th>
            <th scope="col">ASA</th>
            <th scope="col">Abandoned</th>
            <th scope="col">Service level</th>
            <th scope="col">Callbacks ≤ 5 min</th>
            <th scope="col">Handle time</th>
            <th scope="col" title="handle time / time online or busy">Occupancy</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.key} data-testid="service-row">
              <th scope="row">{r.label}</th>
              <td>{formatNumber(r.conversations)}</td>
              <td>{formatRate(r.fcr_rate)}</td>
              <td>{formatSeconds(r.resolution_seconds)}</td>
              <td>{formatSeconds(r.first_response_seconds)}</td>
              <td>{r.ratings ? `${formatRate(r.csat_rate)} (${formatNumber(r.ratings)})` : "–"}</td>
              <td>{formatRate(r.repeat_rate)}</td>
              <td>{formatSeconds(r.asa_seconds)}</td>
              <td>{formatRate(r.abandonment_rate)}</td>
              <td>{formatRate(r.service_level)}</td>
              <td>{r.callbacks ? formatRate(r.callbacks_reached_rate) : "–"}</td>
              <td>{formatNumber(r.handle_minutes)} min</td>
              <td data-testid="service-occupancy">{formatRate(r.occupancy)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
