import { openWallboard } from "./route";
import { t } from "../i18n/i18n";

/** The sidebar entry (for admins and supervisors; agents may open #/wallboard too, it only shows figures). */
export function WallboardNavEntry({ active }: { active: boolean }) {
  return (
    <button
      type="button"
      className={`nav__item${active ? " nav__item--active" : ""}`}
      aria-current={active ? "page" : undefined}
      data-testid="nav-wallboard"
      onClick={openWallboard}
    >
      <span>{t("nav.wallboard")}</span>
    </button>
  );
}
