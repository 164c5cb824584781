import type { RuleData } from "./queries";
import { ruleSummary } from "./ruleForm";

/** A built rule: one line about what it does, and its JSON. */
export function RulePreview({ data }: { data: RuleData }) {
  return (
    <div className="rule-preview" data-testid="rule-preview">
      <p className="rule-preview__summary">{ruleSummary(data)}</p>
      <pre className="code-block">{JSON.stringify(data, null, 2)}</pre>
    </div>
  );
}
