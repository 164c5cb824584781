import { openAnalytics } from "./route";

/** The sidebar entry for admins and supervisors (the API refuses agents). */
export function AnalyticsNavEntry({ active }: { active: boolean }) {
  return (
    <button
      type="button"
      className={`nav__item${active ? " nav__item--active" : ""}`}
      aria-current={active ? "page" : undefined}
      data-testid="nav-analytics"
      onClick={openAnalytics}
    >
      <span>Analytics</span>
    </button>
  );
}
