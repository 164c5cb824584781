import { BacktestResult } from "./Backtest";
import type { BacktestOut, RuleData } from "./queries";
import { RulePreview } from "./RulePreview";

/** A built rule, the parameters it was built from (JSON), and last week replayed through it. */
export interface Preview {
  data: RuleData;
  params: string;
  result: BacktestOut | null;
  error: string | null;
}

/** The Preview step of a new rule: what it would have done last week, before it is saved. */
export function NewRulePreview({ preview, fresh, days, replaying }: { preview: Preview | null; fresh: boolean; days: number; replaying: boolean }) {
  return (
    <section className="card backtest" aria-labelledby="preview-title">
      <header className="card__header">
        <h2 className="card__title" id="preview-title">
          Preview: the last {days} days
        </h2>
        {preview && !fresh && <span className="chip chip--warn">Changed since: preview again</span>}
      </header>
      <div className="card__body backtest__body" data-testid="new-rule-preview">
        {!preview ? (
          <p className="empty empty--compact">Press Preview to see how often this rule would have fired last week, and for whom.</p>
        ) : (
          <>
            {preview.result ? (
              <BacktestResult result={preview.result} />
            ) : preview.error ? (
              <p className="form-error" role="alert">
                The back-test failed: {preview.error}
              </p>
            ) : (
              <p className="field__hint">{replaying ? "Replaying last week's visits…" : ""}</p>
            )}
            <details className="advanced">
              <summary className="advanced__summary">The rule as data</summary>
              <div className="advanced__body">
                <RulePreview data={preview.data} />
              </div>
            </details>
          </>
        )}
      </div>
    </section>
  );
}
