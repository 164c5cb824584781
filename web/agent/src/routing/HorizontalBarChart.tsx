/** One bar per row, name on the left and the figure on the right (hand-written SVG, like the back-test chart). */

export interface Bar {
  key: string;
  label: string;
  /** null: nothing to measure yet (no bar, the value label still shows). */
  value: number | null;
  valueLabel: string;
  tone?: "ok" | "warn" | "danger";
  /** A part of the bar (from its end) to mark in the danger colour, e.g. unroutable tasks. */
  alarming?: number;
  title: string;
  /** data-* attributes of the bar's group, for tests and styling. */
  data?: Record<string, string>;
}

const WIDTH = 320;
const ROW = 24;
const LABEL = 100;
const VALUE = 44;
const LABEL_CHARS = 15;

function shortLabel(label: string): string {
  return label.length > LABEL_CHARS ? `${label.slice(0, LABEL_CHARS - 1)}…` : label;
}

function dataAttributes(data: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(data ?? {}).map(([k, v]) => [`data-${k}`, v]));
}

export function HorizontalBarChart({
  bars,
  max,
  goal,
  label,
  testId,
  barTestId,
}: {
  bars: readonly Bar[];
  /** The value of a full-length bar. */
  max: number;
  /** A vertical line at this value (e.g. the SLA goal). */
  goal?: { value: number; label: string };
  label: string;
  testId: string;
  barTestId: string;
}) {
  const track = WIDTH - LABEL - VALUE;
  const height = Math.max(1, bars.length) * ROW + (goal ? 12 : 0);
  const x = (value: number) => LABEL + (Math.min(max, Math.max(0, value)) / Math.max(max, 1e-9)) * track;
  const top = goal ? 12 : 0;
  return (
    <svg className="bar-chart" viewBox={`0 0 ${WIDTH} ${height}`} role="img" aria-label={label} data-testid={testId}>
      {bars.map((bar, i) => {
        const y = top + i * ROW;
        const end = bar.value === null ? LABEL : x(bar.value);
        const alarming = bar.alarming && bar.value ? Math.min(end - LABEL, x(bar.alarming) - LABEL) : 0;
        return (
          <g key={bar.key} data-testid={barTestId} {...dataAttributes(bar.data)}>
            <title>{bar.title}</title>
            <text x={0} y={y + ROW / 2} dominantBaseline="middle" className="bar-chart__label">
              {shortLabel(bar.label)}
            </text>
            <rect x={LABEL} y={y + 6} width={track} height={ROW - 12} rx={2} className="bar-chart__track" />
            {end > LABEL && (
              <rect x={LABEL} y={y + 6} width={end - LABEL} height={ROW - 12} rx={2} className={`bar-chart__bar bar-chart__bar--${bar.tone ?? "ok"}`} />
            )}
            {alarming > 0 && <rect x={end - alarming} y={y + 6} width={alarming} height={ROW - 12} className="bar-chart__bar bar-chart__bar--danger" />}
            <text x={WIDTH} y={y + ROW / 2} dominantBaseline="middle" textAnchor="end" className="bar-chart__value">
              {bar.valueLabel}
            </text>
          </g>
        );
      })}
      {goal && (
        <g className="bar-chart__goal">
          <line x1={x(goal.value)} x2={x(goal.value)} y1={top - 2} y2={height} />
          <text x={x(goal.value)} y={8} textAnchor="middle">
            {goal.label}
          </text>
        </g>
      )}
    </svg>
  );
}
