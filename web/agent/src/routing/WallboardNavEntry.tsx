import { openWallboard } from "./route";

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
      <span>Wallboard</span>
    </button>
  );
}
