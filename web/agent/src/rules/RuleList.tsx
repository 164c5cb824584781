import { useState } from "react";
import { errorMessage } from "../api/client";
import { ListState } from "../ui/ListState";
import { formatDateTime } from "../ui/dateTime";
import { useRules, useSetRuleEnabled, type RuleOut } from "./queries";
import { ACTION_LABELS, type ActionType } from "./ruleForm";
import { openRules } from "./route";

function actionType(rule: RuleOut): string {
  const action = rule.data.action as { type?: string } | undefined;
  return ACTION_LABELS[action?.type as ActionType] ?? action?.type ?? "—";
}

function RuleRow({ rule, canEdit }: { rule: RuleOut; canEdit: boolean }) {
  const toggle = useSetRuleEnabled();
  const name = typeof rule.data.name === "string" ? rule.data.name : rule.key;
  // Shown switched at once; back to the server's state if the change fails.
  const [wanted, setWanted] = useState<boolean | null>(null);
  const enabled = wanted ?? rule.enabled;
  return (
    <tr data-testid="rule-row" data-rule-key={rule.key} className={enabled ? undefined : "table__row--off"}>
      <td>
        <button type="button" className="rule-link" data-testid="rule-open" onClick={() => openRules({ view: "rule", key: rule.key })}>
          {rule.key}
        </button>
      </td>
      <td className="table__name">{name}</td>
      <td>
        <span className="chip">{actionType(rule)}</span>
      </td>
      <td>
        <label className="switch" title={canEdit ? undefined : "Only admins and supervisors change rules"}>
          <input
            type="checkbox"
            role="switch"
            data-testid="rule-enabled"
            checked={enabled}
            disabled={!canEdit || toggle.isPending}
            aria-label={`${name} enabled`}
            onChange={(e) => {
              setWanted(e.target.checked);
              toggle.mutate({ key: rule.key, enabled: e.target.checked }, { onSettled: () => setWanted(null) });
            }}
          />
          <span className="switch__label">{enabled ? "On" : "Off"}</span>
        </label>
        {toggle.isError && (
          <span className="table__error" role="alert">
            {errorMessage(toggle.error)}
          </span>
        )}
      </td>
      <td className="table__num">v{rule.version}</td>
      <td className="table__muted">
        <time dateTime={rule.updated_at}>{formatDateTime(rule.updated_at)}</time>
      </td>
    </tr>
  );
}

export function RuleList({ canEdit }: { canEdit: boolean }) {
  const rules = useRules();
  const list = rules.data ?? [];
  return (
    <section className="card rules-list" aria-labelledby="rules-list-title">
      <header className="card__header">
        <h2 className="card__title" id="rules-list-title">All rules</h2>
        {rules.isSuccess && <span className="card__count">{list.length}</span>}
      </header>
      <ListState
        query={rules}
        loading="Loading rules…"
        empty={canEdit ? "No rules yet. Start one from a template with “New rule”." : "No rules yet."}
        isEmpty={list.length === 0}
      />
      {list.length > 0 && (
        <table className="table">
          <thead>
            <tr>
              <th>Key</th>
              <th>Name</th>
              <th>Action</th>
              <th>Enabled</th>
              <th className="table__num">Version</th>
              <th>Last change</th>
            </tr>
          </thead>
          <tbody>
            {list.map((rule) => (
              <RuleRow key={rule.key} rule={rule} canEdit={canEdit} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
