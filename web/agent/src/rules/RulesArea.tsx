import type { MeOut } from "../api/client";
import { NewRule } from "./NewRule";
import { RuleEditor } from "./RuleEditor";
import { RuleList } from "./RuleList";
import { openRules, type RulesRoute } from "./route";
import { t } from "../i18n/i18n";

/** Engagement rules: list, new from a template, one rule (edit, history, back-test). */
export function RulesArea({ me, route }: { me: MeOut; route: RulesRoute }) {
  // Agents may look; the server answers 403 to their changes, so the desktop offers none.
  const canEdit = me.user.role === "admin" || me.user.role === "supervisor";
  return (
    <section className="admin rules" aria-labelledby="rules-title">
      <header className="admin__header area__header">
        <div className="admin__heading">
          <nav className="crumbs" aria-label={t("rules.title")}>
            {route.view === "list" ? (
              <h1 className="admin__title" id="rules-title">{t("rules.title")}</h1>
            ) : (
              <>
                <button type="button" className="crumbs__back" data-testid="rules-back" onClick={() => openRules()}>
                  Rules
                </button>
                <span className="crumbs__sep" aria-hidden="true">/</span>
                <h1 className="admin__title" id="rules-title">
                  {route.view === "new" ? t("rules.newRule") : <code className="crumbs__key">{route.key}</code>}
                </h1>
              </>
            )}
          </nav>
          <p className="admin__sub">{t("rules.sub")}</p>
        </div>
        {route.view === "list" && canEdit && (
          <button type="button" className="button button--primary" data-testid="rule-new" onClick={() => openRules({ view: "new" })}>
            New rule
          </button>
        )}
      </header>
      <div className="admin__body">
        {route.view === "list" && <RuleList canEdit={canEdit} />}
        {route.view === "new" && (canEdit ? <NewRule /> : <p className="empty">{t("rules.onlyManagers")}</p>)}
        {route.view === "rule" && <RuleEditor key={route.key} ruleKey={route.key} canEdit={canEdit} />}
      </div>
    </section>
  );
}

/** The sidebar entry. */
export function RulesNavEntry({ active }: { active: boolean }) {
  return (
    <button
      type="button"
      className={`nav__item${active ? " nav__item--active" : ""}`}
      aria-current={active ? "page" : undefined}
      data-testid="nav-rules"
      onClick={() => openRules()}
    >
      <span>{t("nav.rules")}</span>
    </button>
  );
}
