import { useState } from "react";
import { errorMessage } from "../api/client";
import { ListState } from "../ui/ListState";
import { formatDateTime } from "../ui/dateTime";
import { useRules, useSetRuleEnabled, type RuleOut } from "./queries";
import { ACTION_LABELS, type ActionType } from "./ruleForm";
import { openRules } from "./route";
import { t } from "../i18n/i18n";

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
        <label className="switch" title={canEdit ? undefined : t("rules.onlyManagersChange")}>
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
          <span className="switch__label">{enabled ? t("rules.on") : t("rules.off")}</span>
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
        <h2 className="card__title" id="rules-list-title">{t("rules.all")}</h2>
        {rules.isSuccess && <span className="card__count">{list.length}</span>}
      </header>
      <ListState
        query={rules}
        loading={t("rules.loading")}
        empty={canEdit ? t("rules.emptyManager") : t("rules.empty")}
        isEmpty={list.length === 0}
      />
      {list.length > 0 && (
        <table className="table">
          <thead>
            <tr>
              <th>{t("rules.key")}</th>
              <th>{t("rules.name")}</th>
              <th>{t("rules.action")}</th>
              <th>{t("rules.enabled")}</th>
              <th className="table__num">{t("rules.version")}</th>
              <th>{t("rules.lastChange")}</th>
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
